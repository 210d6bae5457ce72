import Foundation
import Testing

/// The PostgreSQL JDBC driver through Warden against a real PostgreSQL: its
/// startup and metadata queries, server-side prepared statements (binary
/// transfer included), transactions, and policy refusals that arrive as
/// ordinary `SQLException`s with an SQLSTATE.
@Suite(.serialized, .ownThreads) struct JDBCGatewayTests {
    let postgres: PostgresServer
    let gateway: GatewayProcess

    /// `ledger` has no masking rules; `orders` masks emails. Both refuse schema changes.
    static func connections(_ postgres: PostgresServer) -> String {
        """
          - name: ledger
            protocol: postgres
            upstream: { host: 127.0.0.1, port: \(postgres.port), database: orders, user: app, password_env: ORDERS_DB_PASSWORD }
            allow_groups: [analysts]
            rules:
              - { match: { class: [ddl] }, action: deny, reason: "schema changes go through migrations" }
          - name: orders
            protocol: postgres
            upstream: { host: 127.0.0.1, port: \(postgres.port), database: orders, user: app, password_env: ORDERS_DB_PASSWORD }
            allow_groups: [analysts]
            rules:
              - { match: { class: [ddl] }, action: deny, reason: "schema changes go through migrations" }
            masking:
              - { columns: [email], masker: pii.email }
        """
    }

    init() async throws {
        postgres = try await PostgresServer.shared()
        _ = try postgres.superuser("""
            DROP TABLE IF EXISTS jdbc_people;
            CREATE TABLE jdbc_people (id int PRIMARY KEY, name text, email text, balance numeric(10, 2));
            INSERT INTO jdbc_people VALUES (1, 'Ada Lovelace', 'ada@example.com', 10), (2, 'Grace Hopper', 'grace@example.com', 20);
            ALTER TABLE jdbc_people OWNER TO app;
            """, database: "orders")
        gateway = try GatewayProcess(postgres: postgres, connections: Self.connections(postgres))
    }

    static let driver = "/usr/share/java/postgresql.jar"
    static let client = Paths.repositoryRoot.appendingPathComponent("Tests/Support/jdbc/JdbcThroughWarden.java").path

    /// Runs the Java client against `database`; returns its output lines.
    func runClient(database: String, binaryTransfer: Bool? = nil) throws -> [String] {
        let token = try gateway.devToken(subject: "alice", groups: ["analysts"])
        var arguments = ["-cp", Self.driver, Self.client, "127.0.0.1", "\(gateway.port)", database, token]
        if let binaryTransfer { arguments.append("\(binaryTransfer)") }
        let result = try Command.run("java", arguments)
        #expect(result.status == 0, "\(result.output)\n\(gateway.logs)")
        return result.stdout.split(separator: "\n").map(String.init)
    }

    @Test func theDriverWorksWithItsDefaultSettings() throws {
        defer { gateway.stop() }
        let lines = try runClient(database: "ledger")
        #expect(lines.first == "server PostgreSQL", "\(lines)")
        #expect(lines.contains("table jdbc_people"), "\(lines)")
        for run in 1...3 {
            #expect(lines.contains("row \(run) 1|Ada Lovelace|ada@example.com|10.00"), "\(lines)")
        }
        #expect(lines.contains("updated 1"), "\(lines)")
        let refusal = lines.first { $0.hasPrefix("refused ") } ?? ""
        #expect(refusal.hasPrefix("refused 42501 "), "\(lines)")
        #expect(refusal.contains("statement refused by Warden: schema changes go through migrations"), "\(lines)")
        #expect(lines.last == "still there 2", "\(lines)")
        // The rolled-back update did not stick.
        let balance = try postgres.superuser("SELECT balance FROM jdbc_people WHERE id = 2", database: "orders")
        #expect(balance.trimmingCharacters(in: .whitespacesAndNewlines) == "20.00")
    }

    @Test func maskedValuesReachTheDriverInTextFormat() throws {
        defer { gateway.stop() }
        let lines = try runClient(database: "orders", binaryTransfer: false)
        for run in 1...3 {
            #expect(lines.contains("row \(run) 1|Ada Lovelace|****@example.com|10.00"), "\(lines)")
        }
        #expect(!lines.joined().contains("ada@example.com"), "\(lines)")
        #expect(lines.last == "still there 2", "\(lines)")
    }

    /// Warden masks text; binary results of a masked connection are refused
    /// with an error that says what to change, and the session goes on.
    @Test func binaryResultsOnAMaskedConnectionAreRefusedClearly() throws {
        defer { gateway.stop() }
        let lines = try runClient(database: "orders")
        // The driver's first execution asks for text; once the statement is
        // prepared on the server it asks for binary, and that is refused.
        #expect(lines.contains("row 1 1|Ada Lovelace|****@example.com|10.00"), "\(lines)")
        let failure = lines.first { $0.hasPrefix("query failed ") } ?? ""
        #expect(failure.hasPrefix("query failed 0A000 "), "\(lines)")
        #expect(failure.contains("cannot mask binary-format results"), "\(lines)")
        #expect(failure.contains("binaryTransfer=false"), "\(lines)")
        #expect(!lines.joined().contains("ada@example.com"), "\(lines)")
        #expect(lines.contains("updated 1"), "\(lines)")
        #expect(lines.last == "still there 2", "\(lines)")
    }
}
