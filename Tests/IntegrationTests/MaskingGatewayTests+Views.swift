import Foundation
import Testing

/// Views, materialized views and functions an administrator created over
/// masked columns before the session (issue 10): PostgreSQL names the view
/// as its columns' source, and a view renames them, so the value came back
/// in clear unless a content detector happened to catch it. `orders_columns`
/// has column rules and no detectors: only the rules stand in the way.
extension MaskingGatewayTests {
    /// Created as the superuser, owned by `app` so that PostgreSQL itself
    /// would let the connection alter them.
    static let viewsAndCopyTargets = """
        CREATE TABLE masked_notes (id int PRIMARY KEY, note text);
        INSERT INTO masked_notes VALUES (1, 'hello');
        CREATE VIEW masked_contacts AS
          SELECT id, email AS contact, phone AS reach, ssn AS tax_id, upper(email) AS shout FROM masked_people;
        CREATE VIEW masked_contacts_2 AS SELECT id, contact AS c2, tax_id AS t2 FROM masked_contacts;
        CREATE MATERIALIZED VIEW masked_snapshot AS SELECT id, email AS e, reverse(ssn) AS r FROM masked_people;
        CREATE VIEW masked_names AS SELECT id, name FROM masked_people;
        CREATE VIEW "Masked Quoted" AS SELECT id, email AS "Contact" FROM masked_people;
        CREATE FUNCTION masked_contact_list() RETURNS TABLE(contact text) LANGUAGE sql
          AS 'SELECT email FROM masked_people ORDER BY id';
        CREATE FUNCTION masked_greeting() RETURNS text LANGUAGE sql AS 'SELECT ''hello''';
        CREATE FUNCTION masked_exec(statement text) RETURNS void LANGUAGE plpgsql AS $$BEGIN EXECUTE statement; END$$;
        ALTER TABLE masked_notes OWNER TO app;
        ALTER VIEW masked_contacts OWNER TO app;
        ALTER VIEW masked_contacts_2 OWNER TO app;
        ALTER MATERIALIZED VIEW masked_snapshot OWNER TO app;
        ALTER VIEW masked_names OWNER TO app;
        ALTER VIEW "Masked Quoted" OWNER TO app;
        ALTER FUNCTION masked_contact_list() OWNER TO app;
        ALTER FUNCTION masked_greeting() OWNER TO app;
        ALTER FUNCTION masked_exec(text) OWNER TO app;
        """

    func throughColumnRules(_ sql: String) throws -> CommandResult {
        let token = try gateway.devToken(subject: "alice", groups: ["analysts"])
        return try gateway.psql(sql, password: token, database: "orders_columns")
    }

    @Test func viewColumnsAreMaskedAsTheColumnsTheyRead() throws {
        defer { gateway.stop() }
        let result = try throughColumnRules("SELECT id, contact, reach, tax_id, shout FROM masked_contacts ORDER BY id")
        #expect(result.status == 0, "\(result.output)\n\(gateway.logs)")
        let rows = result.stdout.split(separator: "\n").map { $0.split(separator: "|", omittingEmptySubsequences: false).map(String.init) }
        // Renamed, each keeps its column's rule (`masked_people.phone` too); upper(email) is redacted.
        #expect(rows == [["1", "****@example.com", "***********0123", "*******6789", "****"],
                         ["2", "****@example.com", "**********0199", "*******7890", "****"]], "\(rows)")
        let cases: [(String, String)] = [
            ("SELECT c2, t2 FROM masked_contacts_2 WHERE id = 1", "****@example.com|*******6789"),
            ("SELECT id, e, r FROM masked_snapshot WHERE id = 1", "1|****@example.com|****"),
            (#"SELECT "Contact" FROM public."Masked Quoted" WHERE id = 1"#, "****@example.com"),
            ("SELECT CONTACT FROM PUBLIC.MASKED_CONTACTS WHERE ID = 1", "****@example.com"),
            ("SELECT x.contact FROM (SELECT * FROM masked_contacts) x WHERE x.id = 1", "****@example.com"),
            ("SELECT * FROM masked_contact_list()", "****\n****"),
        ]
        for (sql, expected) in cases {
            let read = try throughColumnRules(sql)
            #expect(read.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == expected, "\(sql): \(read.output)")
        }
    }

    @Test func anOrdinaryViewOverUnmaskedColumnsReadsAsItsTable() throws {
        defer { gateway.stop() }
        let sql = "SELECT id, name FROM masked_names ORDER BY id; SELECT masked_greeting()"
        let direct = try postgres.superuser(sql, database: "orders")
        let result = try throughColumnRules(sql)
        #expect(result.status == 0, "\(result.output)")
        #expect(result.stdout == direct, "\(result.stdout)")
        #expect(result.stdout.contains("1|Ada Lovelace\n2|Grace Hopper\nhello"), "\(result.stdout)")
    }

    /// Whatever a statement makes of a view's, a materialized view's or a
    /// function's masked data, the value never reaches the client.
    @Test(arguments: [
        ("SELECT upper(contact) FROM masked_contacts", ["ADA@", "GRACE@"]),
        ("SELECT split_part(c2, '@', 1) AS who FROM masked_contacts_2", ["ada", "grace"]),
        ("SELECT masked_contacts FROM masked_contacts WHERE id = 1", ["ada@", "123-45", "555 0123"]),
        // A whole row names its table, with column number 0: only detectors caught it before.
        ("SELECT p FROM masked_people p WHERE id = 1", ["ada@", "123-45", "555 0123"]),
        ("SELECT row_to_json(s) FROM masked_snapshot s", ["ada@", "9876-54-321", "0987-65-432"]),
        ("SELECT reverse(r) FROM masked_snapshot", ["123-45-6789", "234-56-7890"]),
        ("SELECT r FROM masked_snapshot", ["9876-54-321", "0987-65-432"]),
        ("COPY (SELECT * FROM masked_snapshot) TO STDOUT", ["ada@", "9876-54-321", "0987-65-432"]),
        ("COPY (SELECT r FROM masked_snapshot) TO STDOUT (FORMAT csv)", ["9876-54-321"]),
        ("COPY (SELECT contact FROM masked_contacts) TO STDOUT", ["ada@", "grace@"]),
        ("SELECT contact FROM masked_contact_list()", ["ada@", "grace@"]),
        ("SELECT t.c FROM masked_contact_list() AS t(c)", ["ada@", "grace@"]),
        ("SELECT masked_contact_list()", ["ada@", "grace@"]),
        ("SELECT replace(tax_id, '-', '') FROM masked_contacts", ["123456789", "234567890"]),
        ("SELECT reach || '' FROM masked_contacts", ["415 555", "(212)"]),
        ("SET search_path = pg_catalog, public; SELECT reverse(\"r\") FROM MASKED_SNAPSHOT", ["123-45-6789"]),
        (#"SELECT lower("Contact") FROM "Masked Quoted""#, ["ada@", "grace@"]),
    ])
    func valuesReadThroughViewsAndFunctionsDoNotLeak(sql: String, secrets: [String]) throws {
        defer { gateway.stop() }
        let result = try throughColumnRules(sql)
        #expect(result.status == 0, "\(result.output)")
        for secret in secrets {
            #expect(!result.output.contains(secret), "\(secret) leaked: \(result.output)")
        }
    }

    /// An error that would echo a view's masked value has its text withheld.
    @Test func anErrorOnAViewsMaskedColumnIsWithheld() throws {
        defer { gateway.stop() }
        let result = try throughColumnRules("SELECT id FROM masked_contacts WHERE contact::int = 1")
        #expect(result.stderr.contains("Warden withheld this message"), "\(result.output)")
        #expect(!result.output.contains("ada@"), "\(result.output)")
    }
}
