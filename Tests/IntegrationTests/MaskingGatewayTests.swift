import Foundation
import Testing

/// Masking through psql against a real PostgreSQL with the first-party `pii`
/// masker plugin: sensitive values never reach the client, whatever the query
/// makes of them, and everything else is exactly what a direct query returns.
@Suite(.serialized, .ownThreads) struct MaskingGatewayTests {
    let postgres: PostgresServer
    let gateway: GatewayProcess

    static func connections(_ postgres: PostgresServer) -> String {
        """
          - name: orders
            protocol: postgres
            upstream: { host: 127.0.0.1, port: \(postgres.port), database: orders, user: app, password_env: ORDERS_DB_PASSWORD }
            allow_groups: [analysts]
            masking:
              - { columns: [email], masker: pii.email }
              - { columns: ["masked_people.phone", "*.ssn"], masker: pii.partial, options: { keep: 4 } }
              - { detect: [card, email, ssn, iban, secret, phone], masker: pii.redact }
        """
    }

    init() async throws {
        postgres = try await PostgresServer.shared()
        _ = try postgres.superuser("""
            DROP TABLE IF EXISTS masked_people;
            CREATE TABLE masked_people (id int PRIMARY KEY, name text, email text UNIQUE, phone text, ssn text, note text);
            INSERT INTO masked_people VALUES
              (1, 'Ada Lovelace', 'ada@example.com', '+1 415 555 0123', '123-45-6789', 'card 4111 1111 1111 1111 on file'),
              (2, 'Grace Hopper', 'grace@example.com', '(212) 555-0199', '234-56-7890', NULL);
            ALTER TABLE masked_people OWNER TO app;
            """, database: "orders")
        gateway = try GatewayProcess(postgres: postgres, connections: Self.connections(postgres))
    }

    func throughWarden(_ sql: String) throws -> CommandResult {
        let token = try gateway.devToken(subject: "alice", groups: ["analysts"])
        return try gateway.psql(sql, password: token)
    }

    @Test func maskedColumnsChangeAndTheRestIsIdentical() throws {
        defer { gateway.stop() }
        let result = try throughWarden("SELECT id, name, email, phone, ssn, note FROM masked_people ORDER BY id")
        #expect(result.status == 0, "\(result.output)\n\(gateway.logs)")
        let rows = result.stdout.split(separator: "\n").map { $0.split(separator: "|", omittingEmptySubsequences: false).map(String.init) }
        #expect(rows.count == 2)
        #expect(rows[0] == ["1", "Ada Lovelace", "****@example.com", "***********0123", "*******6789", "card **** on file"], "\(rows)")
        #expect(rows[1] == ["2", "Grace Hopper", "****@example.com", "**********0199", "*******7890", ""], "\(rows)")
        // Unmasked columns are byte for byte what a direct query returns.
        let direct = try postgres.superuser("SELECT id, name FROM masked_people ORDER BY id", database: "orders")
        let gatewayNames = try throughWarden("SELECT id, name FROM masked_people ORDER BY id")
        #expect(gatewayNames.stdout == direct)
    }

    @Test func aRenamedColumnStaysMasked() throws {
        defer { gateway.stop() }
        let result = try throughWarden("SELECT email AS e, ssn AS x, phone AS p FROM masked_people WHERE id = 1")
        #expect(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "****@example.com|*******6789|***********0123", "\(result.output)")
    }

    @Test func valuesThatNoLongerComeFromAColumnAreCaughtByContent() throws {
        defer { gateway.stop() }
        let result = try throughWarden("SELECT row_to_json(p), upper(email), string_agg(ssn, ',') OVER () FROM masked_people p WHERE id = 1")
        #expect(result.status == 0, "\(result.output)")
        for secret in ["ada@example.com", "ADA@EXAMPLE.COM", "123-45-6789", "555 0123", "4111"] {
            #expect(!result.stdout.contains(secret), "\(secret) leaked: \(result.stdout)")
        }
        #expect(result.stdout.contains("\"name\":\"Ada Lovelace\""), "\(result.stdout)")
    }

    @Test func copyToStdoutIsMasked() throws {
        defer { gateway.stop() }
        let result = try throughWarden("COPY masked_people (id, email, phone, ssn) TO STDOUT")
        #expect(result.status == 0, "\(result.output)")
        #expect(result.stdout.contains("1\t****@example.com\t***********0123\t*******6789"), "\(result.stdout)")
        let whole = try throughWarden("COPY masked_people TO STDOUT")
        #expect(whole.stdout.contains("1\tAda Lovelace\t****@example.com\t***********0123\t*******6789\t"), "\(whole.stdout)")
        let query = try throughWarden("COPY (SELECT email FROM masked_people) TO STDOUT")
        #expect(!query.stdout.contains("ada@example.com"), "\(query.stdout)")
    }

    @Test func aUniqueViolationDoesNotEchoTheValue() throws {
        defer { gateway.stop() }
        let result = try throughWarden("INSERT INTO masked_people (id, email) VALUES (3, 'ada@example.com')")
        #expect(result.status != 0)
        #expect(result.stderr.contains("duplicate key value violates unique constraint"), "\(result.stderr)")
        #expect(result.stderr.contains("DETAIL:"), "\(result.stderr)")
        #expect(!result.stderr.contains("ada@example.com"), "\(result.stderr)")
    }

    /// psycopg 3 with parameters: server-side binding (the extended protocol,
    /// also prepared after repeated use) and client-side binding (simple).
    @Test func psycopgWithParametersSeesMaskedValues() throws {
        defer { gateway.stop() }
        let token = try gateway.devToken(subject: "alice", groups: ["analysts"])
        let script = """
            import sys, psycopg
            conninfo = sys.argv[1]
            with psycopg.connect(conninfo, password=sys.argv[2], sslmode="require") as conn:
                query = "SELECT name, email, phone, ssn FROM masked_people WHERE id = %s"
                server = conn.execute(query, (1,)).fetchone()
                for _ in range(6):  # psycopg prepares a statement it runs often
                    prepared = conn.execute(query, (2,), prepare=True).fetchone()
                client = psycopg.ClientCursor(conn).execute(query, (1,)).fetchone()
                print("server", "|".join(server))
                print("prepared", "|".join(prepared))
                print("client", "|".join(client))
            """
        let result = try Command.run("python3", [
            "-c", script, "host=127.0.0.1 port=\(gateway.port) dbname=orders user=alice", token,
        ])
        #expect(result.status == 0, "\(result.output)\n\(gateway.logs)")
        #expect(result.stdout.contains("server Ada Lovelace|****@example.com|***********0123|*******6789"), "\(result.output)")
        #expect(result.stdout.contains("prepared Grace Hopper|****@example.com|**********0199|*******7890"), "\(result.output)")
        #expect(result.stdout.contains("client Ada Lovelace|****@example.com|***********0123|*******6789"), "\(result.output)")
    }
}
