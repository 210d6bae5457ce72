import Foundation
import Testing

/// Guardrails through psql against a real PostgreSQL: what the rules refuse
/// never reaches the upstream, what they hold waits for a human, and the
/// session stays usable after either.
@Suite(.serialized, .ownThreads) struct PolicyGatewayTests {
    let postgres: PostgresServer
    let gateway: GatewayProcess

    /// The rules of the policy issue. `orders_quick` is the same database
    /// with approvals that time out at once, to see held statements end.
    static func connections(_ postgres: PostgresServer) -> String {
        // Indented to sit inside a connection item.
        let rules = """
                rules:
                  - { match: { class: [ddl, dcl, admin] }, action: deny, reason: "schema changes go through migrations" }
                  - { match: { tables: [policy_payments], class: [write] }, action: approve }
                  - { match: { risk: high }, action: approve }
                  - { match: { pattern: "pg_sleep" }, action: deny }
                default: allow
            """
        return ["orders": "5m", "orders_quick": "1s"].sorted { $0.key < $1.key }.map { name, timeout in
            """
              - name: \(name)
                protocol: postgres
                upstream: { host: 127.0.0.1, port: \(postgres.port), database: orders, user: app, password_env: ORDERS_DB_PASSWORD }
                allow_groups: [analysts, dba]
            \(rules)
                approvals: { approvers: [dba], timeout: \(timeout) }
            """
        }.joined(separator: "\n")
    }

    init() async throws {
        postgres = try await PostgresServer.shared()
        _ = try postgres.superuser("""
            DROP TABLE IF EXISTS policy_items, policy_payments;
            CREATE TABLE policy_items (id int PRIMARY KEY, qty int NOT NULL);
            INSERT INTO policy_items VALUES (1, 10), (2, 20), (3, 30);
            CREATE TABLE policy_payments (id int PRIMARY KEY, amount int NOT NULL);
            INSERT INTO policy_payments VALUES (1, 100);
            ALTER TABLE policy_items OWNER TO app;
            ALTER TABLE policy_payments OWNER TO app;
            """, database: "orders")
        gateway = try GatewayProcess(postgres: postgres, connections: Self.connections(postgres))
    }

    /// Runs each statement as its own Query message, carrying on after errors,
    /// with SQLSTATEs in the error lines.
    func psql(_ statements: [String], token: String, database: String = "orders",
              gateway: GatewayProcess? = nil) throws -> CommandResult {
        try Command.run("psql", [
            (gateway ?? self.gateway).connectionString(database: database), "-X", "-w", "-A", "-t", "-v", "VERBOSITY=verbose",
        ] + statements.flatMap { ["-c", $0] }, environment: ["PGPASSWORD": token, "PGCONNECT_TIMEOUT": "10"])
    }

    func tableState() throws -> String {
        try postgres.superuser(
            "SELECT (SELECT string_agg(id || ':' || qty, ',' ORDER BY id) FROM policy_items), (SELECT string_agg(id || ':' || amount, ',' ORDER BY id) FROM policy_payments)",
            database: "orders")
    }

    @Test func dropTableIsRefusedWithTheReasonAndTheSessionGoesOn() throws {
        defer { gateway.stop() }
        let token = try gateway.devToken(subject: "alice", groups: ["analysts"])
        let before = try tableState()
        let result = try psql(["DROP TABLE policy_items", "SELECT sum(qty) FROM policy_items"], token: token)
        #expect(result.stderr.contains("ERROR:  42501: statement refused by Warden: schema changes go through migrations"), "\(result.output)")
        #expect(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "60", "\(result.output)")
        #expect(try tableState() == before)
    }

    /// Each way of hiding a dangerous statement from a text filter is refused
    /// or held as its class and risk say, and nothing of it runs.
    @Test(arguments: [
        ("/* tidy up */ DrOp\n\tTABLE   policy_items", PolicyOutcome.refused),
        ("SELECT 'ran_first'; DROP TABLE policy_items", .refused),
        ("WITH d AS (DELETE FROM policy_items RETURNING *) SELECT count(*) FROM d", .held),
        ("EXPLAIN ANALYZE DELETE FROM policy_items", .held),
        ("DO $$ BEGIN EXECUTE 'DROP TABLE policy_items'; END $$", .held),
        ("PREPARE wipe AS DELETE FROM policy_items; EXECUTE wipe", .held),
        ("COPY policy_items TO PROGRAM 'cat > /dev/null'", .refused),
        ("SET ROLE postgres", .refused),
        ("SET SESSION AUTHORIZATION postgres", .refused),
        ("ALTER SYSTEM SET work_mem = '1GB'", .refused),
        ("CALL nothing_to_call()", .held),
        ("LOAD 'auto_explain'", .refused),
        ("UPDATE policy_items SET qty = 0", .held),
        ("DELETE FROM policy_items WHERE true", .held),
        ("UPDATE policy_payments SET amount = 0 WHERE id = 1", .held),
        ("SELECT pg_sleep(0)", .refused),
        ("select PG_SLEEP(0)", .refused),
    ])
    func evasionsAreRefusedOrHeld(sql: String, outcome: PolicyOutcome) throws {
        defer { gateway.stop() }
        let token = try gateway.devToken(subject: "alice", groups: ["analysts"])
        let before = try tableState()
        let result = try psql([sql, "SELECT 'still usable'"], token: token, database: "orders_quick")
        outcome.expect(in: result)
        if outcome == .held {
            #expect(result.stderr.contains("timed out after 1s without a decision; the statement did not run"), "\(result.output)")
        }
        #expect(!result.stdout.contains("ran_first"), "\(result.output)")
        #expect(result.stdout.contains("still usable"), "\(result.output)")
        #expect(try tableState() == before, "\(sql) changed the tables")
    }

    @Test func refusalsAreRecordedAndAudited() throws {
        let token = try gateway.devToken(subject: "alice", groups: ["analysts"])
        _ = try psql(["TRUNCATE policy_items", "SELECT 1"], token: token)
        #expect(gateway.stop() == 0)
        let export = try gateway.warden(["audit", "export"])
        let denied = export.stdout.split(separator: "\n").filter { $0.contains(#""kind":"statement.denied""#) }
        #expect(denied.count == 1, "\(export.stdout)")
        #expect(denied.first?.contains(#""actor":"alice""#) == true)
        #expect(denied.first?.contains("schema changes go through migrations") == true)
        #expect(denied.first?.contains("TRUNCATE policy_items") == true)
        let sessions = try gateway.warden(["sessions", "list"])
        let id = try #require(sessions.stdout.split(separator: "\n").dropFirst().first?.split(separator: " ").first)
        let show = try gateway.warden(["sessions", "show", String(id)])
        #expect(show.stdout.contains("deny"), "\(show.output)")
        #expect(show.stdout.contains("schema changes go through migrations"), "\(show.output)")
    }

    /// The approval webhook hears of a request and of its end, as JSON.
    @Test func theWebhookReceivesTheRequestAndTheDecision() async throws {
        gateway.stop()
        let directory = try Paths.temporaryDirectory("warden-webhook")
        let received = directory.appendingPathComponent("received.jsonl").path
        let port = try FreePort.next()
        let receiver = Process()
        receiver.executableURL = URL(fileURLWithPath: try Command.resolve("python3"))
        receiver.arguments = ["-c", """
            import http.server, sys
            class Hook(http.server.BaseHTTPRequestHandler):
                def do_POST(self):
                    body = self.rfile.read(int(self.headers["Content-Length"]))
                    with open(sys.argv[2], "ab") as f:
                        f.write(body + b"\\n")
                    self.send_response(204)
                    self.end_headers()
                def log_message(self, *args):
                    pass
            http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), Hook).serve_forever()
            """, "\(port)", received]
        receiver.standardOutput = FileHandle.nullDevice
        receiver.standardError = FileHandle.nullDevice
        try receiver.run()
        // SIGKILL: the test runner blocks SIGTERM in the threads children inherit their mask from.
        defer { kill(receiver.processIdentifier, SIGKILL) }
        let connections = Self.connections(postgres).replacingOccurrences(
            of: "approvals: { approvers: [dba], timeout: 1s }",
            with: "approvals: { approvers: [dba], timeout: 1s, webhook: \"http://127.0.0.1:\(port)/hook\" }")
        let hooked = try GatewayProcess(postgres: postgres, connections: connections)
        defer { hooked.stop() }
        let token = try hooked.devToken(subject: "alice", groups: ["analysts"])
        let result = try psql(["UPDATE policy_items SET qty = 0"], token: token, database: "orders_quick", gateway: hooked)
        #expect(result.stderr.contains("timed out"), "\(result.output)")

        var lines: [String] = []
        for _ in 0..<100 {
            lines = ((try? String(contentsOfFile: received, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
            if lines.count >= 2 { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(lines.count == 2, "\(lines)\n\(hooked.logs)")
        #expect(lines.first?.contains(#""event":"approval.requested""#) == true, "\(lines)")
        #expect(lines.first?.contains(#""requester":"alice""#) == true, "\(lines)")
        #expect(lines.last?.contains(#""event":"approval.decided""#) == true, "\(lines)")
        #expect(lines.last?.contains(#""outcome":"expired""#) == true, "\(lines)")
    }
}
