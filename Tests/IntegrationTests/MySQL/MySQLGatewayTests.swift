import Foundation
import Testing
import WardenCore
import WardenTestSupport

/// The `mariadb` client and PyMySQL through the gateway against a real
/// MariaDB, with real tokens.
@Suite(.serialized, .ownThreads) struct MySQLGatewayTests {
    let server: MariaDBServer

    init() async throws {
        server = try await MariaDBServer.shared()
    }

    @Test func selectsReturnTheSameRowsAsADirectConnection() throws {
        let mysql = try MySQLGateway(server: server)
        defer { mysql.gateway.stop() }
        let token = try mysql.gateway.devToken(subject: "alice", groups: ["analysts"])
        for query in [
            "SELECT id, name, email, city FROM customers ORDER BY id",
            "SELECT COUNT(*), MIN(name) FROM customers",
            "SELECT 1 AS one, 'two' AS two, NULL AS three, 4.5 AS four",
            "SELECT * FROM payments ORDER BY id",
        ] {
            let result = try mysql.mariadb(query, token: token)
            #expect(result.status == 0, "\(result.stderr)\n\(mysql.gateway.logs.suffix(2_000))")
            #expect(result.stdout == (try mysql.direct(query)).stdout)
        }
    }

    @Test func theUpstreamSessionUsesTheGatewayHeldAccount() throws {
        let mysql = try MySQLGateway(server: server)
        defer { mysql.gateway.stop() }
        let token = try mysql.gateway.devToken(subject: "alice", groups: ["analysts"])
        let result = try mysql.mariadb("SELECT CURRENT_USER(), DATABASE()", token: token)
        #expect(result.stdout == "CURRENT_USER()\tDATABASE()\napp@%\torders\n", "\(result.output)")
    }

    /// The client's password is its token: without TLS the gateway refuses
    /// it before asking for any password, and none crosses the wire (the
    /// relay records every byte the client sends).
    @Test func aClientWithoutTLSIsRefusedBeforeItSendsItsToken() async throws {
        let mysql = try MySQLGateway(server: server)
        defer { mysql.gateway.stop() }
        let token = try mysql.gateway.devToken(subject: "alice", groups: ["analysts"])
        let record = mysql.gateway.directory.appendingPathComponent("client-bytes")
        let relay = try await PythonFixtureProcess.start(
            name: "the recording relay", script: "mysql/recording_relay.py", arguments: [String(mysql.gateway.port), record.path],
            expecting: "tcp://127.0.0.1:", requirement: "python3")
        defer { relay.stop() }
        for tls in [false, true] {
            let result = try mysql.mariadb("SELECT 1", token: token, tls: tls, port: relay.port)
            if tls {
                #expect(result.status == 0, "through the relay with TLS: \(result.output)")
            } else {
                #expect(result.status != 0)
                #expect(result.stderr.contains("Warden requires TLS before the password (an OIDC token) is sent"), "\(result.stderr)")
            }
        }
        let sent = try Data(contentsOf: record)
        #expect(sent.count > 100, "the relay saw the clients' bytes")
        #expect(sent.range(of: Data(token.utf8)) == nil, "the token crossed the wire in clear")
        let tokenPart = Data(token.utf8.suffix(40))
        #expect(sent.range(of: tokenPart) == nil, "a part of the token crossed the wire in clear")
    }

    @Test func forgedExpiredAndWrongGroupTokensAreRefusedWithAClearMessage() throws {
        let mysql = try MySQLGateway(server: server)
        defer { mysql.gateway.stop() }
        let valid = try mysql.gateway.devToken(subject: "alice", groups: ["analysts"])
        var forged = valid
        forged.removeLast(4)
        forged += valid.hasSuffix("AAAA") ? "BBBB" : "AAAA"
        // Signed an hour ago with a ten-minute lifetime: well past the clock skew.
        let issuer = try DevIssuer(
            keyFile: mysql.gateway.directory.appendingPathComponent("state/dev-issuer-key.pem"), audience: "warden",
            clockSkew: .seconds(60), now: { Date().addingTimeInterval(-3600) })
        let expired = try issuer.issue(subject: "alice", groups: ["analysts"], ttl: .seconds(600))
        let wrongGroup = try mysql.gateway.devToken(subject: "mallory", groups: ["interns"])
        let cases: [(String, String, String)] = [
            ("forged", forged, "signature"), ("expired", expired, "expired"), ("wrong group", wrongGroup, "not in a group allowed to use 'orders'"),
            ("not a token", "hunter2", "token"),
        ]
        for (name, token, words) in cases {
            let result = try mysql.mariadb("SELECT 1", token: token)
            #expect(result.status != 0, "\(name)")
            #expect(result.stderr.contains("ERROR 1045 (28000)"), "\(name): \(result.stderr)")
            #expect(result.stderr.lowercased().contains(words), "\(name): \(result.stderr)")
        }
        let none = try mysql.mariadb("SELECT 1", token: nil)
        #expect(none.stderr.contains("no token: pass your OIDC token as the password"), "\(none.stderr)")
    }

    /// A 1,500-byte-plus token (many groups) signs in through --password and MYSQL_PWD.
    @Test func aLongTokenSignsIn() throws {
        let mysql = try MySQLGateway(server: server)
        defer { mysql.gateway.stop() }
        let groups = ["analysts"] + (1...80).map { "team-with-a-long-name-\($0)" }
        let token = try mysql.gateway.devToken(subject: "alice", groups: groups)
        #expect(token.utf8.count > 1_500)
        let result = try mysql.mariadb("SELECT 'long' AS token", token: token)
        #expect(result.stdout == "token\nlong\n", "\(result.output)")
    }

    @Test func pyMySQLReadsTheSameRowsWithMaskedColumnsMasked() throws {
        let mysql = try MySQLGateway(server: server, masking: """
                masking:
                  - { columns: [email], masker: pii.email }
                  - { detect: [email, card], masker: pii.redact }
            """)
        defer { mysql.gateway.stop() }
        let token = try mysql.gateway.devToken(subject: "alice", groups: ["analysts"])
        let lines = try mysql.pymysql([
            "SELECT id, name, email FROM customers ORDER BY id",
            "SELECT email AS contact FROM customers WHERE id = 1",
            "SELECT CONCAT(name, ' <', email, '>') AS who FROM customers WHERE id = 2",
            "SELECT card FROM payments WHERE id = 1",
            "SELECT name, city FROM customers WHERE id = 3",
        ], token: token)
        #expect(lines.count == 5, "\(lines)")
        guard lines.count == 5 else { return }
        #expect(lines[0].contains("\"Ada Lovelace\""), "unmasked columns come through: \(lines[0])")
        #expect(!lines[0].contains("ada@example.com") && lines[0].contains("@example.com"), "\(lines[0])")
        #expect(!lines[1].contains("ada@example.com"), "an alias keeps its source column: \(lines[1])")
        #expect(lines[2] == #"{"columns": ["who"], "rows": [["(withheld)"]]}"#, "a value computed from a masked column is withheld: \(lines[2])")
        #expect(!lines[3].contains("4111111111111111"), "\(lines[3])")
        #expect(lines[4] == #"{"columns": ["name", "city"], "rows": [["Edsger Dijkstra", "Austin"]]}"#, "\(lines[4])")
    }

    /// COM_INIT_DB (a driver's select_db) is decided as the USE it is;
    /// COM_CHANGE_USER is refused (sign in again on a new connection);
    /// COM_RESET_CONNECTION works. With mysqlclient, which has all three.
    @Test func changingDatabaseIsDecidedAndChangingUserIsRefused() throws {
        let mysql = try MySQLGateway(server: server, rules: """
                rules:
                  - { match: { pattern: "inventory" }, action: deny, reason: "not this database" }
            """)
        defer { mysql.gateway.stop() }
        let token = try mysql.gateway.devToken(subject: "alice", groups: ["analysts"])
        let script = """
            import os, MySQLdb
            c = MySQLdb.connect(host="127.0.0.1", port=\(mysql.gateway.port), user="alice", password=os.environ["MYSQL_PWD"],
                                database="orders", ssl_mode="REQUIRED", connect_timeout=20)
            try:
                c.select_db("inventory")
                print("select_db inventory: allowed")
            except MySQLdb.Error as e:
                print("select_db inventory:", e.args[0], e.args[1])
            try:
                c.change_user("bob", "secret", "orders")
                print("change_user: allowed")
            except MySQLdb.Error as e:
                print("change_user:", e.args[0], e.args[1])
            c.ping()
            cursor = c.cursor()
            cursor.execute("SELECT DATABASE()")
            print("database:", cursor.fetchone()[0])
            """
        let result = try Command.run("python3", ["-c", script], environment: ["MYSQL_PWD": token])
        #expect(result.stdout.contains("select_db inventory: 1227 statement refused by Warden: not this database"), "\(result.output)")
        #expect(result.stdout.contains("change_user: 1235"), "\(result.output)")
        #expect(result.stdout.contains("database: orders"), "\(result.output)")
    }
}
