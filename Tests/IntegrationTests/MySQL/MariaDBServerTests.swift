import Foundation
import Testing

/// The MariaDB fixture the MySQL tests stand on: reachable over TCP with and
/// without TLS, with each account signing in by its own method.
@Suite(.serialized, .ownThreads, .timeLimit(.minutes(2))) struct MariaDBServerTests {
    let server: MariaDBServer

    init() async throws {
        server = try await MariaDBServer.shared()
    }

    /// Runs SQL with the `mariadb` client over TCP to 127.0.0.1, in batch
    /// mode, as `user`; `tls` are the client's TLS options.
    func client(_ sql: String, user: String, password: String, database: String = "orders", tls: [String]) throws -> CommandResult {
        try Command.run("mariadb", [
            "--no-defaults", "--protocol=tcp", "--host=127.0.0.1", "--port=\(server.port)",
            "--user=\(user)", "--password=\(password)", "--database=\(database)",
            "--batch", "--skip-column-names", "--execute=\(sql)",
        ] + tls)
    }

    @Test func appReadsTheCustomersOverTLS() throws {
        // The 10.11 client does not verify the server's certificate unless
        // asked (--ssl-verify-server-cert), so --ssl alone takes the
        // self-signed one.
        let result = try client(
            "SELECT name FROM customers ORDER BY id; SHOW SESSION STATUS LIKE 'Ssl_version'",
            user: "app", password: MariaDBServer.appPassword, tls: ["--ssl"])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.prefix(3) == ["Ada Lovelace", "Grace Hopper", "Edsger Dijkstra"])
        #expect(lines.last?.hasPrefix("Ssl_version\tTLSv1.") == true, "\(lines)")
    }

    @Test func certificateVerifiesForLocalhost() throws {
        let byName = try Command.run("mariadb", [
            "--no-defaults", "--protocol=tcp", "--host=localhost", "--port=\(server.port)",
            "--user=app", "--password=\(MariaDBServer.appPassword)",
            "--ssl-ca=\(server.certificateFile)", "--ssl-verify-server-cert",
            "--batch", "--skip-column-names", "--execute=SELECT 1",
        ])
        #expect(byName.status == 0, "\(byName.stderr)")
        // The certificate names localhost, not the address.
        let byAddress = try client(
            "SELECT 1", user: "app", password: MariaDBServer.appPassword,
            tls: ["--ssl-ca=\(server.certificateFile)", "--ssl-verify-server-cert"])
        #expect(byAddress.status != 0)
    }

    @Test func edappSignsInWithEd25519() throws {
        let session = try client(
            "SELECT current_user(); SELECT COUNT(*) FROM customers",
            user: "edapp", password: MariaDBServer.edappPassword, tls: ["--ssl"])
        #expect(session.status == 0, "\(session.stderr)")
        #expect(session.stdout == "edapp@%\n3\n")
        let plugin = try server.root("SELECT plugin FROM mysql.user WHERE user = 'edapp'")
        #expect(plugin == "ed25519\n")
        let wrong = try client("SELECT 1", user: "edapp", password: "not-the-password", tls: ["--ssl"])
        #expect(wrong.status != 0)
        #expect(wrong.stderr.contains("Access denied"), "\(wrong.stderr)")
    }

    @Test func appConnectsWithoutTLS() throws {
        let result = try client(
            "SHOW SESSION STATUS LIKE 'Ssl_cipher'; SELECT COUNT(*) FROM customers",
            user: "app", password: MariaDBServer.appPassword, tls: ["--skip-ssl"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "Ssl_cipher\t\n3\n")
    }

    @Test func accountsReachOnlyTheirDatabases() throws {
        let appInventory = try client(
            "SELECT sku FROM items ORDER BY id", user: "app", password: MariaDBServer.appPassword,
            database: "inventory", tls: ["--ssl"])
        #expect(appInventory.stdout == "WIDGET-1\nGADGET-7\n", "\(appInventory.stderr)")
        let edappInventory = try client(
            "SELECT 1", user: "edapp", password: MariaDBServer.edappPassword, database: "inventory", tls: ["--ssl"])
        #expect(edappInventory.status != 0)
        let scratchOrders = try client(
            "SELECT 1", user: "scratch", password: MariaDBServer.scratchPassword, tls: ["--ssl"])
        #expect(scratchOrders.status != 0)
        let scratch = try client(
            "CREATE TABLE fixture_probe (id INT); DROP TABLE fixture_probe; SELECT 'ok'",
            user: "scratch", password: MariaDBServer.scratchPassword, database: "scratch", tls: ["--ssl"])
        #expect(scratch.stdout == "ok\n", "\(scratch.stderr)")
    }

    @Test func serverSettings() throws {
        let settings = try server.root("""
            SELECT @@performance_schema, @@local_infile, @@have_ssl, @@bind_address, @@character_set_server;
            SELECT name FROM performance_schema.setup_consumers WHERE enabled = 'YES' AND name LIKE 'events_statements%' ORDER BY name;
            SELECT COUNT(*) FROM orders.payments WHERE card = '4111111111111111';
            """)
        #expect(settings == """
            1\t0\tYES\t127.0.0.1\tutf8mb4
            events_statements_current
            events_statements_history
            events_statements_history_long
            1

            """)
    }
}
