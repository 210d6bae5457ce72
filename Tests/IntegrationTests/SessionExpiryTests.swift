import Foundation
import Testing

/// A session lives no longer than the token that opened it, nor than its
/// connection's `max_session`: psql gets a FATAL error, and nothing runs
/// after it.
@Suite(.serialized, .ownThreads, .timeLimit(.minutes(3))) struct SessionExpiryTests {
    let postgres: PostgresServer

    init() async throws {
        postgres = try await PostgresServer.shared()
        _ = try postgres.superuser("""
            DROP TABLE IF EXISTS expiry_items;
            CREATE TABLE expiry_items (id int PRIMARY KEY, qty int NOT NULL);
            INSERT INTO expiry_items VALUES (1, 10), (2, 20);
            ALTER TABLE expiry_items OWNER TO app;
            """, database: "orders")
    }

    /// `orders` holds high-risk statements for approval; `orders_short`
    /// sessions last three seconds at most.
    func connections() -> String {
        """
          - name: orders
            protocol: postgres
            upstream: { host: 127.0.0.1, port: \(postgres.port), database: orders, user: app, password_env: ORDERS_DB_PASSWORD }
            allow_groups: [analysts, dba]
            rules:
              - { match: { risk: high }, action: approve }
            approvals: { approvers: [dba], timeout: 5m }
          - name: orders_short
            protocol: postgres
            upstream: { host: 127.0.0.1, port: \(postgres.port), database: orders, user: app, password_env: ORDERS_DB_PASSWORD }
            allow_groups: [analysts]
            max_session: 3s
        """
    }

    /// The session id of the one session whose events `kind` names.
    func sessionID(of kind: String, in gateway: GatewayProcess) throws -> String {
        let export = try gateway.warden(["audit", "export"])
        let line = try #require(export.stdout.split(separator: "\n").first { $0.contains("\"kind\":\"\(kind)\"") })
        let range = try #require(line.range(of: #""session_id":"[0-9a-f]+""#, options: .regularExpression))
        return String(line[range].dropFirst(14).dropLast())
    }

    @Test func aSessionEndsWhenItsTokenExpires() throws {
        let gateway = try GatewayProcess(postgres: postgres, connections: connections())
        defer { gateway.stop() }
        let token = try gateway.devToken(subject: "alice", groups: ["analysts"], ttl: "5s")
        let psql = try gateway.interactivePsql(password: token)
        psql.send("SELECT 'before expiry';")
        psql.waitForOutput("before expiry")
        #expect(psql.stdout.contains("before expiry"), "\(psql.stderr)")

        try gateway.waitForLog("ending the session: the sign-in token expired")
        psql.send("SELECT 'after ' || 'expiry';")
        let status = psql.finish()
        #expect(status != 0)
        #expect(psql.stderr.contains("FATAL:  28000: the sign-in token expired at "), "\(psql.stderr)")
        #expect(!psql.stdout.contains("after expiry"))

        // The gateway says what happened and to whom, and records it.
        #expect(gateway.logs.contains("subject=alice"), "\(gateway.logs)")
        let id = try sessionID(of: "session.ended", in: gateway)
        let shown = try gateway.warden(["sessions", "show", id])
        #expect(shown.stdout.contains("the sign-in token expired at"), "\(shown.output)")
    }

    @Test func aStatementHeldForApprovalIsWithdrawnWhenTheTokenExpires() throws {
        let gateway = try GatewayProcess(postgres: postgres, connections: connections())
        defer { gateway.stop() }
        let token = try gateway.devToken(subject: "alice", groups: ["analysts"], ttl: "5s")
        let before = try postgres.superuser("SELECT sum(qty) FROM expiry_items", database: "orders")
        let psql = try gateway.interactivePsql(password: token)
        psql.send("UPDATE expiry_items SET qty = 0;")

        try gateway.waitForLog("ending the session: the sign-in token expired")
        psql.finish()
        #expect(psql.stderr.contains("statement held for approval"), "\(psql.stderr)")
        #expect(psql.stderr.contains("FATAL:  28000: the sign-in token expired at "), "\(psql.stderr)")
        #expect(try postgres.superuser("SELECT sum(qty) FROM expiry_items", database: "orders") == before)

        // Nobody can approve it any more, and the record says why it did not run.
        try gateway.waitForLog("approval withdrawn")
        let id = try sessionID(of: "session.ended", in: gateway)
        let shown = try gateway.warden(["sessions", "show", id])
        #expect(shown.stdout.contains("the session ended (the sign-in token expired) while it waited for approval"), "\(shown.output)")
    }

    @Test func aSessionEndsAtItsConnectionsMaximumLength() throws {
        let gateway = try GatewayProcess(postgres: postgres, connections: connections())
        defer { gateway.stop() }
        let token = try gateway.devToken(subject: "alice", groups: ["analysts"], ttl: "1h")
        let psql = try gateway.interactivePsql(password: token, database: "orders_short")
        psql.send("SELECT 'inside the limit';")
        psql.waitForOutput("inside the limit")

        try gateway.waitForLog("ending the session: the session reached its maximum length of 3s")
        psql.send("SELECT 'past ' || 'the limit';")
        #expect(psql.finish() != 0)
        #expect(psql.stdout.contains("inside the limit"))
        #expect(!psql.stdout.contains("past the limit"))
        #expect(psql.stderr.contains("FATAL:  57P01: the session reached its maximum length of 3s"), "\(psql.stderr)")
    }

    /// A gateway with a `lines` listener and connection served by the C
    /// fixture plugin built with `defines`; returns it and the listener's port.
    func linesGateway(plugin name: String, _ defines: [String]) throws -> (GatewayProcess, Int) {
        let plugin = try PluginLoadingTests.buildCPlugin(name, [PluginLoadingTests.matchingToolchain] + defines)
        let port = try FreePort.next()
        let gateway = try GatewayProcess(
            postgres: postgres,
            connections: connections() + """

                  - name: lines
                    protocol: c-test
                    upstream: { host: 127.0.0.1, port: 1 }
                    allow_groups: [analysts]
                """,
            pluginPaths: [URL(fileURLWithPath: plugin).deletingLastPathComponent().path],
            extraListeners: "  - { name: lines, protocol: c-test, address: \"127.0.0.1:\(port)\" }")
        return (gateway, port)
    }

    /// Issue 11: a token may come with every request (as HTTP clients send
    /// one), but a session's identity never changes. A fresh token of the
    /// same subject renews the session past the first token's expiry; one for
    /// another subject is refused and audited; one that is not valid is
    /// refused; the session is recorded once.
    @Test func aSessionKeepsItsIdentityAndLivesOnFreshTokens() throws {
        let (gateway, port) = try linesGateway(plugin: "renew", ["PLUGIN_LINE_AUTH"])
        defer { gateway.stop() }
        let first = try gateway.devToken(subject: "alice", groups: ["analysts"], ttl: "3s")
        let fresh = try gateway.devToken(subject: "alice", groups: ["analysts"])
        let bob = try gateway.devToken(subject: "bob", groups: ["analysts"])
        // A PostgreSQL session opened right before the C plugin's: the one its WAKEPREV names.
        let psql = try gateway.launchPsql("SELECT pg_sleep(30)", password: fresh, output: Pipe(), errors: Pipe())
        defer { if psql.isRunning { psql.terminate() } }
        try gateway.waitForLog("session ready: alice")
        let client = try Command.run("python3", ["-c", """
            import socket, sys, time
            s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
            lines = s.makefile("rb")
            def send(token):
                s.sendall(token.encode() + b"\\n")
                print(lines.readline().decode().strip())
            send(sys.argv[2])           # signs in for 3 s
            send(sys.argv[3])           # the same subject, valid for an hour
            send(sys.argv[4])           # another subject
            send("not-a-token")
            time.sleep(4)               # past the first token's expiry
            send(sys.argv[3])
            send("MASK")                # the plugin does not declare masking
            send("CANCEL")              # nor cancel-forwarding, and orders is not its protocol's
            send("WAKEPREV")            # another plugin's session
            send("WAKE")                # its own
            print(lines.readline().decode().strip())
            send("WRITEPREV")           # writes into another plugin's session (found only on a shared event loop)
            """, "\(port)", first, fresh, bob])
        let lines = client.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 11, "\(client.output)")
        // A plugin uses only what its manifest declares (3 is WARDEN_UNSUPPORTED),
        // and reaches only its own sessions (1 is WARDEN_NOT_FOUND).
        #expect(lines.suffix(6) == ["MASK 3", "CANCEL 3", "WAKEPREV 1", "WAKE 0", "WOKEN 99", "WRITEPREV 1"], "\(client.output)")
        #expect(lines.first == "OK")
        #expect(lines.dropFirst().first == "RENEWED alice")
        #expect(lines.dropFirst(2).first == "DENIED this session is alice's: a token for bob cannot be used in it")
        #expect(lines.dropFirst(3).first?.hasPrefix("DENIED ") == true, "\(lines)")
        #expect(lines.dropFirst(4).first == "RENEWED alice", "the session outlived its first token: \(client.output)")
        #expect(gateway.stop() == 0)

        let store = StoreFile(path: gateway.storePath)
        #expect(try store.count("SELECT count(*) FROM sessions WHERE connection = 'lines'") == 1)
        #expect(try store.count("""
            SELECT count(*) FROM audit_events WHERE kind = 'session.identity_refused' AND actor = 'bob'
              AND json_extract(detail, '$.subject') = 'alice'
            """) == 1)
        let verify = try gateway.warden(["audit", "verify"])
        #expect(verify.status == 0, "\(verify.output)")
    }

    /// Issue 11: plugins built for earlier minors of the ABI still load and
    /// serve a session (their hooks table ends before 1.3's `on_ending`).
    @Test(arguments: [0, 1, 2, 3])
    func aPluginOfAnEarlierMinorSignsIn(minor: Int) throws {
        let defines = ["PLUGIN_ABI_MINOR=\(minor)", "PLUGIN_LINE_AUTH"] + (minor < 3 ? ["PLUGIN_HOOKS_1_2"] : [])
        let (gateway, port) = try linesGateway(plugin: "minor\(minor)", defines)
        defer { gateway.stop() }
        let token = try gateway.devToken(subject: "alice", groups: ["analysts"])
        let client = try Command.run("python3", ["-c", """
            import socket, sys
            s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
            s.sendall(sys.argv[2].encode() + b"\\n")
            print(s.makefile("rb").readline().decode().strip())
            """, "\(port)", token])
        #expect(client.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "OK", "\(client.output)\n\(gateway.logs.suffix(1_500))")
        #expect(gateway.logs.contains("plugin=c-test version="), "loaded")
    }

    /// A protocol plugin built for ABI 1.2 has no `on_ending` hook: the
    /// gateway still ends its session, by closing the connection.
    @Test func aPluginBuiltForAnOlderABIHasItsSessionClosed() throws {
        let (gateway, port) = try linesGateway(plugin: "lines", ["PLUGIN_ABI_MINOR=2", "PLUGIN_HOOKS_1_2", "PLUGIN_LINE_AUTH"])
        defer { gateway.stop() }
        let token = try gateway.devToken(subject: "alice", groups: ["analysts"], ttl: "5s")
        // Signs in, then reads until the gateway closes the connection.
        let client = try Command.run("python3", ["-c", """
            import socket, sys
            s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
            s.sendall(sys.argv[2].encode() + b"\\n")
            received = b""
            while True:
                chunk = s.recv(1024)
                if not chunk:
                    break
                received += chunk
            print(received.decode().strip() + " EOF")
            """, "\(port)", token])
        #expect(client.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "OK EOF", "\(client.output)")
        #expect(gateway.logs.contains("ending the session: the sign-in token expired"), "\(gateway.logs)")
        #expect(gateway.logs.contains("the c-test plugin (ABI 1.2) cannot tell its client why"), "\(gateway.logs)")
    }
}
