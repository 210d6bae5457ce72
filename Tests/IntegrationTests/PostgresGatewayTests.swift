import Foundation
import Testing
import WardenCore

/// `psql` through the gateway against a real PostgreSQL, with real tokens.
@Suite(.serialized, .ownThreads) struct PostgresGatewayTests {
    let postgres: PostgresServer
    let gateway: GatewayProcess

    init() async throws {
        postgres = try await PostgresServer.shared()
        gateway = try GatewayProcess(postgres: postgres)
    }

    /// What a direct connection returns, for comparison.
    func direct(_ sql: String) throws -> String {
        try postgres.superuser(sql, database: "orders")
    }

    var devKeyFile: URL { gateway.directory.appendingPathComponent("state/dev-issuer-key.pem") }

    /// `listeners[].connection`: a listener that serves one connection
    /// serves it whatever database name the client gives.
    @Test func aListenerThatServesOneConnectionIgnoresTheDatabaseName() throws {
        gateway.stop()
        let port = try FreePort.next()
        let fixed = try GatewayProcess(postgres: postgres, extraListeners: """
              - name: orders_only
                protocol: postgres
                address: 127.0.0.1:\(port)
                connection: orders
                tls: { certificate: GATEWAY_DIR/gateway.crt, key: GATEWAY_DIR/gateway.key }
            """)
        defer { fixed.stop() }
        let token = try fixed.devToken(subject: "alice", groups: ["analysts"])
        let result = try Command.run("psql", [
            "host=127.0.0.1 port=\(port) dbname=anything_at_all user=alice sslmode=require",
            "-X", "-w", "-A", "-t", "-c", "SELECT current_database()",
        ], environment: ["PGPASSWORD": token, "PGCONNECT_TIMEOUT": "10"])
        #expect(result.stdout == "orders\n", "\(result.output)\n\(fixed.logs.suffix(2_000))")
        #expect(fixed.logs.contains("connection=orders"), "the session is recorded under the listener's connection")
    }

    @Test func selectsReturnTheSameRowsAsADirectConnection() throws {
        defer { gateway.stop() }
        let token = try gateway.devToken(subject: "alice", groups: ["analysts"])
        let queries = [
            "SELECT id, name, email, city FROM customers ORDER BY id",
            "SELECT count(*), min(name) FROM customers",
            "SELECT 1 AS one, 'two' AS two, NULL AS three",
        ]
        for query in queries {
            let result = try gateway.psql(query, password: token)
            #expect(result.status == 0, "\(result.stderr)\n\(gateway.logs)")
            #expect(result.stdout == (try direct(query)))
        }
    }

    @Test func theUpstreamSessionUsesTheGatewayHeldRole() throws {
        defer { gateway.stop() }
        let token = try gateway.devToken(subject: "alice", groups: ["dba"])
        let result = try gateway.psql("SELECT current_user, current_database()", password: token)
        #expect(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "app|orders")
    }

    @Test func errorsReachTheClientAndTheSessionStaysUsable() throws {
        defer { gateway.stop() }
        let token = try gateway.devToken(subject: "alice", groups: ["analysts"])
        let result = try Command.run("psql", [
            "host=127.0.0.1 port=\(gateway.port) dbname=orders user=alice sslmode=require", "-X", "-w", "-A", "-t",
            "-c", "SELECT * FROM no_such_table", "-c", "SELECT 41 + 1",
        ], environment: ["PGPASSWORD": token])
        #expect(result.stderr.contains("relation \"no_such_table\" does not exist"))
        #expect(result.stdout.contains("42"))
    }

    @Test func copyFromStdinLoadsRows() throws {
        defer { gateway.stop() }
        let token = try gateway.devToken(subject: "alice", groups: ["analysts"])
        let result = try Command.run("psql", [
            gateway.connectionString(), "-X", "-w", "-A", "-t",
            "-c", "CREATE TEMP TABLE loaded (id int, name text)", "-c", "COPY loaded FROM STDIN",
            "-c", "SELECT count(*), string_agg(name, ',' ORDER BY id) FROM loaded",
        ], environment: ["PGPASSWORD": token], input: "1\tone\n2\ttwo\n3\tthree\n\\.\n")
        #expect(result.status == 0, "\(result.output)")
        #expect(result.stdout.contains("3|one,two,three"), "\(result.output)")
    }

    @Test func notificationsReachTheListener() throws {
        defer { gateway.stop() }
        let token = try gateway.devToken(subject: "alice", groups: ["analysts"])
        let result = try Command.run("psql", [
            gateway.connectionString(), "-X", "-w", "-c", "LISTEN warden_test", "-c", "NOTIFY warden_test, 'hello'",
        ], environment: ["PGPASSWORD": token])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.stdout.contains("Asynchronous notification \"warden_test\" with payload \"hello\" received"), "\(result.output)")
    }

    @Test func missingTokenIsRefused() throws {
        defer { gateway.stop() }
        let result = try gateway.psql("SELECT 1", password: nil)
        #expect(result.status != 0)
        #expect(result.stderr.contains("no password supplied"))
        let garbage = try gateway.psql("SELECT 1", password: "not-a-token")
        #expect(garbage.status != 0)
        #expect(garbage.stderr.contains("FATAL"))
        #expect(garbage.stderr.contains("token"))
    }

    @Test func forgedTokenIsRefused() throws {
        defer { gateway.stop() }
        let token = try gateway.devToken(subject: "alice", groups: ["analysts"])
        // Same header and claims, signature from another key.
        let otherKey = try Paths.temporaryDirectory("warden-forger").appendingPathComponent("key.pem")
        let forger = try DevIssuer(keyFile: otherKey, audience: "warden")
        let forged = try forger.issue(subject: "alice", groups: ["dba"], ttl: .seconds(600))
        let spliced = token.split(separator: ".").prefix(2).joined(separator: ".") + "." + forged.split(separator: ".")[2]
        for candidate in [forged, spliced] {
            let result = try gateway.psql("SELECT 1", password: candidate)
            #expect(result.status != 0)
            #expect(result.stderr.contains("FATAL"), "\(result.stderr)")
            #expect(result.stderr.contains("signature") || result.stderr.contains("not the dev issuer's key"), "\(result.stderr)")
        }
    }

    @Test func expiredTokenIsRefused() throws {
        defer { gateway.stop() }
        // Signed an hour ago with a ten-minute lifetime: well past the clock skew.
        let issuer = try DevIssuer(
            keyFile: devKeyFile, audience: "warden", clockSkew: .seconds(60), now: { Date().addingTimeInterval(-3600) })
        let expired = try issuer.issue(subject: "alice", groups: ["analysts"], ttl: .seconds(600))
        let result = try gateway.psql("SELECT 1", password: expired)
        #expect(result.status != 0)
        #expect(result.stderr.contains("expired"), "\(result.stderr)")
    }

    @Test func wrongAudienceIsRefused() throws {
        defer { gateway.stop() }
        let issuer = try DevIssuer(keyFile: devKeyFile, audience: "someone-else")
        let token = try issuer.issue(subject: "alice", groups: ["analysts"], ttl: .seconds(600))
        let result = try gateway.psql("SELECT 1", password: token)
        #expect(result.status != 0)
        #expect(result.stderr.contains("audience"), "\(result.stderr)")
    }

    @Test func aTokenWithoutAnAllowedGroupIsRefused() throws {
        defer { gateway.stop() }
        let token = try gateway.devToken(subject: "mallory", groups: ["marketing"])
        let result = try gateway.psql("SELECT 1", password: token)
        #expect(result.status != 0)
        #expect(result.stderr.contains("'mallory' is not in a group allowed to use 'orders'"), "\(result.stderr)")
    }

    @Test func anUnknownDatabaseIsRefused() throws {
        defer { gateway.stop() }
        let token = try gateway.devToken(subject: "alice", groups: ["analysts"])
        let result = try gateway.psql("SELECT 1", password: token, database: "payroll")
        #expect(result.status != 0)
        #expect(result.stderr.contains("no connection named 'payroll'"), "\(result.stderr)")
    }

    @Test func aConnectionWithoutTLSIsRefused() throws {
        defer { gateway.stop() }
        let token = try gateway.devToken(subject: "alice", groups: ["analysts"])
        let result = try gateway.psql("SELECT 1", password: token, sslmode: "disable")
        #expect(result.status != 0)
        #expect(result.stderr.contains("sslmode=require"), "\(result.stderr)")
    }

    @Test func sessionsShowListsTheStatementsOfAFinishedSession() throws {
        let token = try gateway.devToken(subject: "alice", groups: ["analysts"])
        _ = try Command.run("psql", [
            "host=127.0.0.1 port=\(gateway.port) dbname=orders user=alice sslmode=require", "-X", "-w",
            "-c", "SELECT name FROM customers WHERE id = 2", "-c", "SELECT count(*) FROM customers",
        ], environment: ["PGPASSWORD": token])
        #expect(gateway.stop() == 0, "graceful shutdown exits 0:\n\(gateway.logs)")

        let list = try gateway.warden(["sessions", "list"])
        #expect(list.status == 0, "\(list.stderr)")
        let line = try #require(list.stdout.split(separator: "\n").first { $0.contains("alice") })
        let id = String(line.split(separator: " ")[0])

        let show = try gateway.warden(["sessions", "show", id])
        #expect(show.status == 0, "\(show.stderr)")
        #expect(show.stdout.contains("subject     alice"))
        #expect(show.stdout.contains("groups      analysts"))
        #expect(show.stdout.contains("connection  orders"))
        #expect(show.stdout.contains("SELECT name FROM customers WHERE id = 2"))
        #expect(show.stdout.contains("SELECT count(*) FROM customers"))
        #expect(show.stdout.contains("1 row(s)"))
    }

    @Test func shutdownLetsARunningSessionFinish() throws {
        let token = try gateway.devToken(subject: "alice", groups: ["analysts"])
        let output = Pipe()
        let statement = "SELECT 'finished after ' || pg_sleep(1.5)::text"
        let psql = try gateway.launchPsql(statement, password: token, output: output, errors: output)
        // SIGTERM once the statement runs upstream: a fixed wait lost the race
        // on a loaded machine, and psql then found the gateway gone.
        for _ in 0..<300 {
            let running = try postgres.superuser(
                "SELECT count(*) FROM pg_stat_activity WHERE query = $q$\(statement)$q$ AND state = 'active'")
            if running.trimmingCharacters(in: .whitespacesAndNewlines) == "1" { break }
            Thread.sleep(forTimeInterval: 0.02)
        }
        // SIGTERM while the statement runs: no new connections, but this one completes.
        #expect(gateway.stop() == 0, "\(gateway.logs)")
        let printed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        psql.waitUntilExit()
        #expect(psql.terminationStatus == 0, "\(printed)")
        #expect(printed.contains("finished after"), "\(printed)")
        #expect(gateway.logs.contains("waiting for 1 session(s)"), "\(gateway.logs)")
    }
}
