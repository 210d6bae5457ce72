import Foundation
import Testing

/// Common drivers run a realistic workload through Warden with their
/// default settings: connect, prepared and unprepared queries, transactions,
/// COPY, LISTEN/NOTIFY and binary results on a connection without masking.
@Suite(.serialized) struct DriverGatewayTests {
    let postgres: PostgresServer
    let gateway: GatewayProcess

    static func connections(_ postgres: PostgresServer) -> String {
        """
          - name: drivers
            protocol: postgres
            upstream: { host: 127.0.0.1, port: \(postgres.port), database: orders, user: app, password_env: ORDERS_DB_PASSWORD }
            allow_groups: [analysts]
            rules:
              - { match: { class: [ddl] }, action: deny, reason: "schema changes go through migrations" }
        """
    }

    init() async throws {
        postgres = try await PostgresServer.shared()
        _ = try postgres.superuser("""
            DROP TABLE IF EXISTS driver_people, driver_log;
            CREATE TABLE driver_people (id int PRIMARY KEY, name text NOT NULL, balance numeric(10, 2) NOT NULL,
                created timestamptz NOT NULL);
            INSERT INTO driver_people VALUES (1, 'Ada Lovelace', 10, '2026-01-02T03:04:05Z'),
                (2, 'Grace Hopper', 20, '2026-02-03T04:05:06Z');
            CREATE TABLE driver_log (note text NOT NULL);
            ALTER TABLE driver_people OWNER TO app;
            ALTER TABLE driver_log OWNER TO app;
            """, database: "orders")
        gateway = try GatewayProcess(postgres: postgres, connections: Self.connections(postgres))
    }

    static func script(_ name: String) -> String {
        Paths.repositoryRoot.appendingPathComponent("Tests/Support/drivers/\(name)").path
    }

    @Test func asyncpgConnectsWithItsDefaultsAndRunsAWorkload() throws {
        defer { gateway.stop() }
        let token = try gateway.devToken(subject: "alice", groups: ["analysts"])
        let result = try Command.run("python3", [Self.script("asyncpg_workload.py"), "127.0.0.1", "\(gateway.port)", "drivers", token])
        #expect(result.status == 0, "\(result.output)\n\(gateway.logs)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.contains("server True"), "\(lines)")
        #expect(lines.contains("fetch [(1, 'Ada Lovelace', '10.00', '2026-01-02T03:04:05+00:00'), (2, 'Grace Hopper', '20.00', '2026-02-03T04:05:06+00:00')]"), "\(lines)")
        #expect(lines.contains("prepared ['Ada Lovelace', 'Grace Hopper', 'Ada Lovelace']"), "\(lines)")
        #expect(lines.contains("balances ['11.00', '20.00']"), "\(lines)")
        #expect(lines.contains(#"log a,b,c,d b'a\nb\nc\nd\n'"#), "\(lines)")
        #expect(lines.contains("notified hello"), "\(lines)")
        #expect(lines.contains { $0.hasPrefix("refused 42501 statement refused by Warden: schema changes go through migrations") },
                "\(lines)")
        #expect(lines.contains("still there 2"), "\(lines)")
        #expect(lines.contains("startup refused 22023 standard_conforming_strings"), "\(lines)")
        // asyncpg sends its own client_encoding too: a second copy, in another letter case.
        #expect(lines.contains("startup refused 08P01 Client_Encoding"), "\(lines)")
    }
}
