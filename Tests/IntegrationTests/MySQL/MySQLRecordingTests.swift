import Foundation
import Testing
import WardenTestSupport

/// MySQL sessions in the record: `warden sessions show` and `warden replay`
/// show their statements, verdicts and the rows the client received; and
/// the binary protocol (prepared statements) is masked like the text one.
@Suite(.serialized, .ownThreads) struct MySQLRecordingTests {
    let server: MariaDBServer

    init() async throws {
        server = try await MariaDBServer.shared()
    }

    @Test func replayShowsAMySQLSessionsStatementsVerdictsAndRows() throws {
        let mysql = try MySQLGateway(server: server, rules: """
                rules:
                  - { match: { class: [ddl] }, action: deny, reason: "schema changes go through migrations" }
            """)
        let token = try mysql.gateway.devToken(subject: "alice", groups: ["analysts"])
        let statements = [
            "SELECT id, name, city FROM customers WHERE id <= 2 ORDER BY id",
            "SELECT * FROM no_such_table",
            "DROP TABLE customers",
        ]
        for statement in statements { _ = try mysql.mariadb(statement, token: token) }
        #expect(mysql.gateway.stop() == 0, "\(mysql.gateway.logs)")

        let list = try mysql.gateway.warden(["sessions", "list"])
        let ids = list.stdout.split(separator: "\n").filter { $0.contains("alice") }.map { String($0.split(separator: " ")[0]) }
        #expect(ids.count == 3, "\(list.output)")
        var replays = ""
        for id in ids {
            let replay = try mysql.gateway.warden(["replay", id])
            #expect(replay.status == 0, "\(replay.stderr)")
            replays += replay.stdout
        }
        #expect(replays.contains("connection  orders"), "\(replays)")
        #expect(replays.contains("""
                 id |     name     |   city
                ----+--------------+----------
                 1  | Ada Lovelace | London
                 2  | Grace Hopper | New York
                (2 rows)
            """), "\(replays)")
        #expect(replays.contains("1146 (42S02): Table 'orders.no_such_table' doesn't exist"), "\(replays)")
        #expect(replays.range(of: #"DROP TABLE customers\n\s+denied"#, options: .regularExpression) != nil
                || replays.contains("denied"), "\(replays)")
        #expect(replays.contains("schema changes go through migrations"), "\(replays)")
        let show = try mysql.gateway.warden(["sessions", "show", ids[0]])
        #expect(show.status == 0 && show.stdout.contains("alice"), "\(show.output)")
    }

    /// mysql-connector-python's prepared statements: binary rows, masked by
    /// column, under an alias and inside CONCAT(); the rest as direct.
    @Test func preparedStatementsAreMaskedInTheBinaryProtocol() throws {
        let mysql = try MySQLGateway(server: server, masking: """
                masking:
                  - { columns: [email], masker: pii.email }
                  - { columns: ["payments.amount"], masker: pii.redact }
                  - { detect: [email, card], masker: pii.redact }
            """)
        defer { mysql.gateway.stop() }
        let token = try mysql.gateway.devToken(subject: "alice", groups: ["analysts"])
        let script = PythonFixtureProcess.supportDirectory.appendingPathComponent("mysql/connector_client.py").path
        let run = try Command.run("python3", [
            script, String(mysql.gateway.port), "orders", "alice",
            "SELECT id, name, email, city FROM customers ORDER BY id",
            "SELECT email AS contact FROM customers WHERE id = 1",
            "SELECT CONCAT(name, ' <', email, '>') AS who FROM customers WHERE id = 2",
            "SELECT id, amount, card FROM payments WHERE id = 1",
        ], environment: ["MYSQL_PWD": token])
        let lines = run.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 4, "\(run.output)\n\(mysql.gateway.logs.suffix(2_000))")
        guard lines.count == 4 else { return }
        #expect(lines[0].contains(#"[1, "Ada Lovelace", "#) && lines[0].contains(#""London"]"#), "\(lines[0])")
        #expect(!lines[0].contains("ada@example.com") && lines[0].contains("@example.com"), "\(lines[0])")
        #expect(!lines[1].contains("ada@example.com"), "\(lines[1])")
        #expect(lines[2] == #"{"columns": ["who"], "rows": [["(withheld)"]]}"#, "a value computed from a masked column is withheld: \(lines[2])")
        #expect(lines[3].hasPrefix(#"{"columns": ["id", "amount", "card"], "rows": [[1, null, "#), "a masked DECIMAL is NULL: \(lines[3])")
        #expect(!lines[3].contains("4111111111111111"), "\(lines[3])")
    }
}
