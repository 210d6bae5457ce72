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
          - name: orders_strict
            protocol: postgres
            upstream: { host: 127.0.0.1, port: \(postgres.port), database: orders, user: app, password_env: ORDERS_DB_PASSWORD }
            allow_groups: [analysts]
            masking:
              strict: true
              rules:
                - { columns: [email], masker: pii.email }
                - { columns: ["*.ssn"], masker: pii.partial, options: { keep: 4 } }
          - name: orders_columns
            protocol: postgres
            upstream: { host: 127.0.0.1, port: \(postgres.port), database: orders, user: app, password_env: ORDERS_DB_PASSWORD }
            allow_groups: [analysts]
            masking:
              - { columns: [email], masker: pii.email }
              - { columns: ["masked_people.phone", "*.ssn"], masker: pii.partial, options: { keep: 4 } }
        """
    }

    init() async throws {
        postgres = try await PostgresServer.shared()
        _ = try postgres.superuser("""
            DROP TABLE IF EXISTS masked_people, masked_renamed, masked_notes, masked_copy_table, masked_copy_into CASCADE;
            DROP VIEW IF EXISTS masked_copy_view;
            DROP MATERIALIZED VIEW IF EXISTS masked_copy_matview;
            DROP FUNCTION IF EXISTS masked_contact_list(), masked_greeting(), masked_leak(), masked_exec(text);
            CREATE TABLE masked_people (id int PRIMARY KEY, name text, email text UNIQUE, phone text, ssn text, note text);
            INSERT INTO masked_people VALUES
              (1, 'Ada Lovelace', 'ada@example.com', '+1 415 555 0123', '123-45-6789', 'card 4111 1111 1111 1111 on file'),
              (2, 'Grace Hopper', 'grace@example.com', '(212) 555-0199', '234-56-7890', NULL);
            \(Self.viewsAndCopyTargets)
            ALTER TABLE masked_people OWNER TO app;
            """, database: "orders")
        gateway = try GatewayProcess(postgres: postgres, connections: Self.connections(postgres))
    }

    func throughWarden(_ sql: String) throws -> CommandResult {
        let token = try gateway.devToken(subject: "alice", groups: ["analysts"])
        return try gateway.psql(sql, password: token)
    }

    /// A statement of 16 KiB and more is analysed off the event loop, with
    /// the same outcome. (Not an argument of the test above: the log would
    /// print its 20,000 spaces.)
    @Test func aLongStatementIsMaskedAsAShortOneIs() throws {
        defer { gateway.stop() }
        let padding = "/*" + String(repeating: " ", count: 20_000) + "*/ "
        let result = try throughWarden(padding + "SELECT split_part(email, '@', 1) FROM masked_people WHERE id = 1")
        #expect(result.status == 0, "\(result.stderr.suffix(1_000))")
        #expect(!result.output.contains("ada"), "\(result.output.suffix(1_000))")
    }

    /// The red team's stale names (review of issue 10's release build): a
    /// protocol statement name re-prepared in SQL, and a portal name whose
    /// Bind the server refused, were executed as the text Warden had mapped
    /// to them, and masked as that harmless text. On `orders_columns` no
    /// detector stands in for the column rules.
    @Test(arguments: ["statement", "portal"])
    func aNameThatChangedInSQLIsNotTrusted(attack: String) throws {
        defer { gateway.stop() }
        let token = try gateway.devToken(subject: "alice", groups: ["analysts"])
        let script = Paths.repositoryRoot.appendingPathComponent("Tests/Support/attacks/stale_names.py").path
        let result = try Command.run("python3", [script, "127.0.0.1", "\(gateway.port)", "orders_columns", token, attack])
        #expect(result.status == 0, "\(result.output)")
        for secret in ["moc.elpmaxe@ada", "ada@example.com"] {
            #expect(!result.output.contains(secret), "\(secret) leaked: \(result.output)")
        }
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

    @Test func valuesComputedFromMaskedColumnsAreRedacted() throws {
        defer { gateway.stop() }
        let result = try throughWarden("SELECT row_to_json(p), upper(email), string_agg(ssn, ',') OVER (), upper(name) FROM masked_people p WHERE id = 1")
        #expect(result.status == 0, "\(result.output)")
        for secret in ["ada@example.com", "ADA@EXAMPLE.COM", "123-45-6789", "555 0123", "4111"] {
            #expect(!result.stdout.contains(secret), "\(secret) leaked: \(result.stdout)")
        }
        #expect(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == #""****"|****|****|ADA LOVELACE"#, "\(result.stdout)")
    }

    /// What the review got out in clear (issue 10), each through psql: the
    /// value never reaches the client, in any form.
    @Test(arguments: [
        ("SELECT split_part(email, '@', 1) FROM masked_people WHERE id = 1", ["ada"]),
        ("SELECT regexp_replace(email, '@.*', '') FROM masked_people WHERE id = 1", ["ada"]),
        ("SELECT encode(email::bytea, 'base64') FROM masked_people WHERE id = 1", ["YWRhQGV4YW1wbGUuY29t"]),
        ("SELECT email::bytea FROM masked_people WHERE id = 1", ["616461"]),
        ("SELECT ssn::xml FROM masked_people WHERE id = 1", ["123-45"]),
        ("SELECT to_jsonb(p) FROM masked_people p WHERE id = 1", ["ada@", "123-45"]),
        ("SELECT ARRAY[email] FROM masked_people WHERE id = 1", ["ada@"]),
        ("SELECT replace(ssn, '-', '') FROM masked_people WHERE id = 1", ["123456789", "12345"]),
        ("SELECT translate(ssn, '0123456789', 'abcdefghij') FROM masked_people WHERE id = 1", ["bcd"]),
        ("SELECT p FROM masked_people p WHERE id = 1", ["ada@", "123-45"]),
        ("SELECT substr(ssn, 1, 3) FROM masked_people WHERE id = 1 UNION ALL SELECT substr(ssn, 5, 2) FROM masked_people WHERE id = 1",
         ["123", "45"]),
        ("SELECT local FROM (SELECT split_part(email, '@', 1) AS local FROM masked_people WHERE id = 1) s", ["ada"]),
        ("WITH x AS (SELECT reverse(ssn) AS r FROM masked_people WHERE id = 1) SELECT r FROM x", ["987", "54-321"]),
        ("SELECT split_part(email, '@', 1)::int FROM masked_people WHERE id = 1", ["ada"]),
        ("COPY (SELECT split_part(email, '@', 1) FROM masked_people WHERE id = 1) TO STDOUT", ["ada"]),
        ("COPY masked_people (id, email, ssn) TO STDOUT (FORMAT csv)", ["ada@", "123-45"]),
        ("COPY masked_people (id, email, ssn) TO STDOUT (DELIMITER '|'); COPY masked_people (ssn) TO STDOUT (FORMAT csv)",
         ["ada@", "123-45", "234-56"]),
        ("LISTEN leak; SELECT pg_notify('leak', email) FROM masked_people WHERE id = 1", ["ada@"]),
        // The red team's: values echoed unquoted in errors, renamed subquery columns, LATERAL, NOTIFY.
        ("SELECT chr(replace(ssn, '-', '')::int) FROM masked_people WHERE id = 1", ["123456789"]),
        ("SELECT x FROM (SELECT replace(email, '@', ' at ') FROM masked_people WHERE id = 1) s(x)", ["ada at"]),
        ("SELECT f.f FROM masked_people, LATERAL replace(email, '@', ' at ') f WHERE id = 1", ["ada at"]),
        ("LISTEN ch; SELECT pg_notify('ch', replace(email, '@', ' at ')) FROM masked_people WHERE id = 1", ["ada at"]),
        ("COPY masked_people (id, ssn) TO STDOUT (DELIMITER '-')", ["45\\-6789", "56\\-7890"]),
        // The red team's column alias list: renamed by position, computed from.
        ("SELECT i, reverse(e) AS r, translate(s, '-', '/') AS t FROM masked_people AS c(i, n, e, p, s) WHERE i = 1",
         ["moc.elpmaxe@ada", "123/45"]),
        ("SELECT reverse(x.e) FROM (masked_people JOIN (SELECT 1 AS one) o ON true) AS x(i, n, e) WHERE x.i = 1",
         ["moc.elpmaxe@ada"]),
        // An ITIN in text, and an SSN stored without dashes in a field named for it.
        ("SELECT 'ITIN 912-70-1234' AS note, '123456789' AS ssn", ["912-70", "123456789"]),
    ])
    func derivedAndIndirectValuesDoNotLeak(sql: String, secrets: [String]) throws {
        defer { gateway.stop() }
        let result = try throughWarden(sql)
        for secret in secrets {
            #expect(!result.output.contains(secret), "\(secret) leaked: \(result.output)")
        }
    }

    @Test(arguments: [
        "BEGIN; DECLARE c BINARY CURSOR FOR SELECT email FROM masked_people; FETCH ALL FROM c; COMMIT",
        "COPY masked_people TO STDOUT (FORMAT binary)",
        "SELECT histogram_bounds FROM pg_stats WHERE attname = 'ssn'",
        // Another session's statement naming a value in a literal would show it unmasked.
        "SELECT query FROM pg_stat_activity",
    ])
    func whatCannotBeMaskedIsRefused(sql: String) throws {
        defer { gateway.stop() }
        let result = try throughWarden(sql)
        #expect(result.stderr.contains("statement refused by Warden"), "\(result.output)")
        #expect(!result.output.contains("ada@"), "\(result.output)")
        #expect(try throughWarden("SELECT 1").status == 0)
    }

    /// With `masking.strict`, a condition on a masked column is refused:
    /// its answers would tell the value bit by bit.
    @Test func strictMaskingRefusesConditionsOnMaskedColumns() throws {
        defer { gateway.stop() }
        let token = try gateway.devToken(subject: "alice", groups: ["analysts"])
        let refused = try gateway.psql("SELECT id FROM masked_people WHERE email LIKE 'a%'", password: token, database: "orders_strict")
        #expect(refused.stderr.contains("masked column email, which masking.strict refuses"), "\(refused.output)")
        let ordered = try gateway.psql("SELECT id FROM masked_people ORDER BY ssn", password: token, database: "orders_strict")
        #expect(ordered.stderr.contains("masked column ssn"), "\(ordered.output)")
        let plain = try gateway.psql("SELECT id, email FROM masked_people WHERE id = 1", password: token, database: "orders_strict")
        #expect(plain.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "1|****@example.com", "\(plain.output)")
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
