import Foundation
import Testing
import WardenTestSupport

/// Guardrails and approvals on MySQL: what the issue's must-show list names,
/// each refused with its reason and the data intact, and an UPDATE without
/// WHERE held, approved by someone else, and run exactly once.
@Suite(.serialized, .ownThreads) struct MySQLPolicyTests {
    let server: MariaDBServer

    init() async throws {
        server = try await MariaDBServer.shared()
    }

    static let rules = """
            rules:
              - { match: { class: [ddl, dcl, admin] }, action: deny, reason: "schema changes go through migrations" }
              - { match: { risk: high }, action: approve }
            default: allow
            approvals: { approvers: [dba], timeout: 2m }
        """

    /// A table of the test's own in `orders`, with `rows` rows whose n is 0.
    private func makeCounters(_ table: String, rows: Int) throws {
        try server.root("""
            DROP TABLE IF EXISTS \(table);
            CREATE TABLE \(table) (id INT PRIMARY KEY, n INT NOT NULL);
            INSERT INTO \(table) VALUES \((1...rows).map { "(\($0), 0)" }.joined(separator: ", "));
            GRANT ALL ON orders.\(table) TO app@'%';
            """, database: "orders")
    }

    private func counters(_ table: String) throws -> String {
        try server.root("SELECT GROUP_CONCAT(n ORDER BY id) FROM \(table)", database: "orders")
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func disguisedAndDangerousStatementsAreRefusedWithTheirReasonAndTheDataIsIntact() throws {
        try makeCounters("policy_t", rows: 2)
        let mysql = try MySQLGateway(server: server, rules: Self.rules)
        defer { mysql.gateway.stop() }
        let token = try mysql.gateway.devToken(subject: "alice", groups: ["analysts"])
        let refused: [(String, String)] = [
            ("DROP TABLE policy_t", "schema changes go through migrations"),
            ("/*!50000 DROP TABLE policy_t */", "schema changes go through migrations"),
            ("/*M!100000 drop table policy_t */", "schema changes go through migrations"),
            ("SELECT 1; DROP TABLE policy_t", "schema changes go through migrations"),
            ("SELECT 1;\tdRoP/**/TaBlE policy_t", "schema changes go through migrations"),
            ("PREPARE s FROM 'DROP TABLE policy_t'", "schema changes go through migrations"),
            ("SELECT * FROM policy_t INTO OUTFILE '/tmp/warden-outfile'", "OUTFILE"),
            ("SELECT n FROM policy_t INTO DUMPFILE '/tmp/warden-dumpfile'", "DUMPFILE"),
            // (The mariadb client strips comments itself: an expression gets past it.)
            ("KILL QUERY 5 + 0", "KILL takes the connection id Warden gave"),
            ("SET NAMES gbk", "gbk"),
            ("SET SESSION sql_mode = @mode", "sql_mode"),
        ]
        for (statement, reason) in refused {
            let result = try mysql.mariadb(statement, token: token)
            #expect(result.status != 0, "\(statement) ran: \(result.output)")
            #expect(result.stderr.contains("ERROR 1227 (42000)"), "\(statement): \(result.stderr)")
            #expect(result.stderr.contains(reason), "\(statement): \(result.stderr)")
        }
        // LOAD DATA LOCAL: the client would send a file; the statement never reaches the server.
        let file = mysql.gateway.directory.appendingPathComponent("rows.csv")
        try "3,0\n".write(to: file, atomically: true, encoding: .utf8)
        let load = try Command.run("mariadb", [
            "--no-defaults", "--protocol=tcp", "-h", "127.0.0.1", "-P", String(mysql.gateway.port), "-u", "alice", "--ssl",
            "--local-infile=1", "orders", "-e", "LOAD DATA LOCAL INFILE '\(file.path)' INTO TABLE policy_t FIELDS TERMINATED BY ','",
        ], environment: ["MYSQL_PWD": token])
        #expect(load.stderr.contains("ERROR 1227 (42000)") && load.stderr.contains("LOAD DATA"), "\(load.output)")
        #expect(try counters("policy_t") == "0,0", "the table is intact")
        #expect(!FileManager.default.fileExists(atPath: "/tmp/warden-outfile"))
        // A prepared DROP through the binary protocol (COM_STMT_PREPARE).
        let script = PythonFixtureProcess.supportDirectory.appendingPathComponent("mysql/connector_client.py").path
        let prepared = try Command.run("python3", [script, String(mysql.gateway.port), "orders", "alice", "DROP TABLE policy_t"],
                                       environment: ["MYSQL_PWD": token])
        #expect(prepared.stdout.contains(#"{"error": [1227, "#) && prepared.stdout.contains("schema changes go through migrations"),
                "\(prepared.output)")
        #expect(try counters("policy_t") == "0,0")
        let denials = mysql.gateway.logs.components(separatedBy: "statement denied").count - 1
        #expect(denials >= refused.count + 2, "every refusal is logged: \(denials)")
    }

    /// A followed sql_mode change, with the server as the judge: under
    /// ANSI_QUOTES `"\"` is a name, so the DROP behind it is a statement of
    /// its own. Read with the old syntax it would be inside a string and run.
    @Test func afterAFollowedSQLModeChangeTheServersReadingDecides() throws {
        try makeCounters("sqlmode_t", rows: 1)
        let mysql = try MySQLGateway(server: server, rules: Self.rules)
        defer { mysql.gateway.stop() }
        let token = try mysql.gateway.devToken(subject: "alice", groups: ["analysts"])
        let lines = try mysql.pymysql([
            "SET SESSION sql_mode = 'ANSI_QUOTES'", #"SELECT "\"; DROP TABLE sqlmode_t; -- ""#, "SELECT @@SESSION.sql_mode",
        ], token: token)
        #expect(lines.count == 3, "\(lines)")
        #expect(lines.count > 1 && lines[1].contains("1227") && lines[1].contains("schema changes go through migrations"), "\(lines)")
        #expect(lines.last?.contains("ANSI_QUOTES") == true, "\(lines)")
        #expect(try counters("sqlmode_t") == "0", "the table is intact")
    }

    @Test func anUpdateWithoutWhereIsHeldApprovedBySomeoneElseAndRunsExactlyOnce() throws {
        try makeCounters("approval_t", rows: 3)
        let mysql = try MySQLGateway(server: server, rules: Self.rules, adminGroups: ["security"])
        defer { mysql.gateway.stop() }
        let alice = try mysql.gateway.devToken(subject: "alice", groups: ["dba"])
        let bob = try mysql.gateway.devToken(subject: "bob", groups: ["dba"])
        let output = mysql.gateway.directory.appendingPathComponent("held.out")
        FileManager.default.createFile(atPath: output.path, contents: nil)
        let client = Process()
        client.executableURL = URL(fileURLWithPath: try Command.resolve("mariadb"))
        client.arguments = ["--no-defaults", "--protocol=tcp", "-h", "127.0.0.1", "-P", String(mysql.gateway.port), "-u", "alice",
                            "--ssl", "orders", "-e", "UPDATE approval_t SET n = n + 1"]
        client.environment = ProcessInfo.processInfo.environment.merging(["MYSQL_PWD": alice]) { $1 }
        let handle = try FileHandle(forWritingTo: output)
        client.standardOutput = handle
        client.standardError = handle
        try client.run()
        defer { if client.isRunning { client.terminate() } }

        let id = try mysql.gateway.pendingApproval(matching: "UPDATE approval_t", token: bob)
        #expect(client.isRunning, "the client waits while the statement is held")
        #expect(try counters("approval_t") == "0,0,0", "a held statement has not reached the server")
        let own = try mysql.gateway.warden(["approvals", "approve", id], environment: ["WARDEN_TOKEN": alice])
        #expect(own.status != 0 && own.stderr.contains("your own request"), "\(own.output)")
        let approve = try mysql.gateway.warden(["approvals", "approve", id], environment: ["WARDEN_TOKEN": bob])
        #expect(approve.status == 0, "\(approve.output)")
        client.waitUntilExit()
        #expect(client.terminationStatus == 0, "\((try? String(contentsOf: output, encoding: .utf8)) ?? "")")
        #expect(try counters("approval_t") == "1,1,1", "it ran exactly once")
    }
}
