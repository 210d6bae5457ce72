import Foundation
import Testing

/// pgbench through Warden in each query mode libpq has: simple, extended
/// (unnamed statements) and prepared (named statements, executed again and
/// again), with the select-only and the default TPC-B-like scripts.
@Suite(.serialized, .ownThreads) struct PgbenchGatewayTests {
    let postgres: PostgresServer
    let gateway: GatewayProcess

    init() async throws {
        postgres = try await PostgresServer.shared()
        _ = try postgres.superuser("DROP DATABASE IF EXISTS bench; CREATE DATABASE bench OWNER app;")
        let initialize = try Command.run("pgbench", [
            "-i", "-s", "1", "-q", "-h", "127.0.0.1", "-p", "\(postgres.port)", "-U", "app", "bench",
        ], environment: ["PGPASSWORD": PostgresServer.appPassword])
        guard initialize.status == 0 else { throw TestSetupError("pgbench -i failed: \(initialize.output)") }
        gateway = try GatewayProcess(postgres: postgres, connections: """
              - name: bench
                protocol: postgres
                upstream: { host: 127.0.0.1, port: \(postgres.port), database: bench, user: app, password_env: ORDERS_DB_PASSWORD }
                allow_groups: [analysts]
            """)
    }

    @Test(arguments: ["simple", "extended", "prepared"], [true, false])
    func completesWithoutFailedTransactions(mode: String, selectOnly: Bool) throws {
        defer { gateway.stop() }
        let token = try gateway.devToken(subject: "bench", groups: ["analysts"])
        let result = try Command.run("pgbench", [
            "-n", "-M", mode, "-c", "2", "-t", "30", "-h", "127.0.0.1", "-p", "\(gateway.port)", "-U", "bench", "bench",
        ] + (selectOnly ? ["-S"] : []), environment: ["PGPASSWORD": token, "PGSSLMODE": "require"])
        #expect(result.status == 0, "\(result.output)\n\(gateway.logs)")
        #expect(result.stdout.contains("number of transactions actually processed: 60/60"), "\(result.output)")
        #expect(result.stdout.contains("number of failed transactions: 0"), "\(result.output)")
    }
}
