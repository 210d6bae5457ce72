import Foundation
import Testing

/// The gateway signs in to PostgreSQL with its own credentials, by each
/// method the server asks for, and forwards a client's cancel request.
@Suite(.serialized, .ownThreads) struct UpstreamSignInTests {
    let gateway: GatewayProcess
    let postgres: PostgresServer

    init() async throws {
        postgres = try await PostgresServer.shared()
        gateway = try GatewayProcess(postgres: postgres, connections: """
            \(GatewayProcess.defaultConnections(postgres))
              - name: legacy
                protocol: postgres
                upstream: { host: 127.0.0.1, port: \(postgres.port), database: orders, user: legacy, password_env: LEGACY_DB_PASSWORD, tls: disable }
                allow_groups: [analysts]
              - name: trusty
                protocol: postgres
                upstream: { host: 127.0.0.1, port: \(postgres.port), database: orders, user: trusty, tls: require }
                allow_groups: [analysts]
              - name: strict
                protocol: postgres
                upstream: { host: 127.0.0.1, port: \(postgres.port), database: orders, user: app, password_env: ORDERS_DB_PASSWORD, tls: verify-full }
                allow_groups: [analysts]
              - name: named
                protocol: postgres
                upstream: { host: localhost, port: \(postgres.port), database: orders, user: app, password_env: ORDERS_DB_PASSWORD, tls: verify-full, ca_file: \(postgres.certificateFile) }
                allow_groups: [analysts]
              - name: by_address
                protocol: postgres
                upstream: { host: 127.0.0.1, port: \(postgres.port), database: orders, user: app, password_env: ORDERS_DB_PASSWORD, tls: verify-full, ca_file: \(postgres.certificateFile) }
                allow_groups: [analysts]
            """)
    }

    func signIn(_ connection: String) throws -> CommandResult {
        let token = try gateway.devToken(subject: "alice", groups: ["analysts"])
        return try gateway.psql("SELECT current_user, (SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid())", password: token, database: connection)
    }

    @Test func scramSHA256OverUpstreamTLS() throws {
        defer { gateway.stop() }
        let result = try signIn("orders")
        #expect(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "app|t", "\(result.stderr)")
    }

    @Test func md5InClearWhenTLSIsDisabled() throws {
        defer { gateway.stop() }
        let result = try signIn("legacy")
        #expect(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "legacy|f", "\(result.stderr)")
    }

    @Test func trustWithRequiredTLS() throws {
        defer { gateway.stop() }
        let result = try signIn("trusty")
        #expect(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "trusty|t", "\(result.stderr)")
    }

    @Test func verifyFullRefusesAnUntrustedUpstreamCertificate() throws {
        defer { gateway.stop() }
        let result = try signIn("strict")
        #expect(result.status != 0)
        #expect(result.stderr.contains("FATAL"), "\(result.stderr)")
        #expect(gateway.logs.contains("TLS handshake on the upstream side failed"), "\(gateway.logs)")
    }

    /// The upstream's certificate is trusted here (it is its own CA) and names
    /// `localhost`: verify-full accepts it for that name, and refuses it for
    /// the address 127.0.0.1, which it does not name (no IP SAN).
    @Test func verifyFullChecksTheNameOrAddressTheCertificateIsFor() throws {
        defer { gateway.stop() }
        let named = try signIn("named")
        #expect(named.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "app|t", "\(named.stderr)\n\(gateway.logs)")
        let byAddress = try signIn("by_address")
        #expect(byAddress.status != 0)
        #expect(gateway.logs.contains("failedToValidateHostname"), "\(gateway.logs)")
    }

    @Test func aCancelRequestReachesTheRightBackend() throws {
        defer { gateway.stop() }
        let token = try gateway.devToken(subject: "alice", groups: ["analysts"])
        let errors = Pipe()
        let psql = try gateway.launchPsql("SELECT pg_sleep(61)", password: token, output: FileHandle.nullDevice, errors: errors)
        // Interrupt once the statement runs upstream: a fixed wait lost the
        // race on a loaded machine, and psql then had nothing to cancel.
        for _ in 0..<300 {
            let running = try postgres.superuser(
                "SELECT count(*) FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(61)' AND state = 'active'")
            if running.trimmingCharacters(in: .whitespacesAndNewlines) == "1" { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        psql.interrupt()  // psql answers SIGINT by sending a CancelRequest
        let output = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        psql.waitUntilExit()
        #expect(output.contains("canceling statement due to user request"), "\(output)\n\(gateway.logs)")
    }
}
