import Foundation
import Testing

/// Copying masked values to where masking does not follow them, on a
/// connection whose policy allows DDL and writes (issue 10): each copy is
/// refused before it reaches PostgreSQL, and reading the place it would
/// have gone shows nothing of the value.
extension MaskingGatewayTests {
    /// The attack, then what would read the copy back, through Warden.
    @Test(arguments: [
        ("CREATE TABLE masked_copy_table AS SELECT email AS x FROM masked_people", "SELECT * FROM masked_copy_table"),
        ("create table MASKED_COPY_TABLE as select \"email\" as x, SSN from PUBLIC.masked_people", "SELECT * FROM masked_copy_table"),
        ("SELECT ssn AS x INTO masked_copy_into FROM masked_people", "SELECT * FROM masked_copy_into"),
        ("CREATE VIEW masked_copy_view AS SELECT email AS x FROM masked_people", "SELECT * FROM masked_copy_view"),
        ("CREATE MATERIALIZED VIEW masked_copy_matview AS SELECT reverse(ssn) AS x FROM masked_people",
         "SELECT * FROM masked_copy_matview"),
        ("CREATE VIEW masked_copy_view AS SELECT contact AS x FROM masked_contacts", "SELECT * FROM masked_copy_view"),
        ("INSERT INTO masked_notes (id, note) SELECT id + 10, email FROM masked_people", "SELECT note FROM masked_notes"),
        (#"INSERT INTO "masked_notes" (id, note) SELECT id + 10, "email" FROM "public"."masked_people""#,
         "SELECT note FROM masked_notes"),
        ("SET search_path = public; INSERT INTO masked_notes SELECT id + 10, EMAIL FROM MASKED_PEOPLE", "SELECT note FROM masked_notes"),
        ("UPDATE masked_notes SET note = (SELECT email FROM masked_people WHERE id = 1)", "SELECT note FROM masked_notes"),
        ("UPDATE masked_notes n SET note = p.ssn FROM masked_people p WHERE p.id = n.id", "SELECT note FROM masked_notes"),
        ("MERGE INTO masked_notes n USING masked_people p ON n.id = p.id WHEN MATCHED THEN UPDATE SET note = p.ssn",
         "SELECT note FROM masked_notes"),
        ("WITH w AS (INSERT INTO masked_notes SELECT id + 10, contact FROM masked_contacts RETURNING 1) SELECT count(*) FROM w",
         "SELECT note FROM masked_notes"),
        ("INSERT INTO masked_notes SELECT 100 + n, c FROM masked_contact_list() WITH ORDINALITY AS t(c, n)",
         "SELECT note FROM masked_notes"),
        ("DO $$BEGIN INSERT INTO masked_notes SELECT id + 10, email FROM masked_people; END$$", "SELECT note FROM masked_notes"),
        ("DO $$BEGIN EXECUTE 'INSERT INTO masked_notes SELECT id + 10, em' || 'ail FROM masked_people'; END$$",
         "SELECT note FROM masked_notes"),
        // An administrator's function that runs the SQL it is given, like query_to_xml.
        ("SELECT masked_exec('INSERT INTO masked_notes SELECT id + 10, email FROM masked_people')", "SELECT note FROM masked_notes"),
        ("CREATE FUNCTION masked_leak() RETURNS SETOF text LANGUAGE sql AS 'SELECT email FROM masked_people'",
         "SELECT * FROM masked_leak()"),
        ("ALTER TABLE masked_people RENAME COLUMN email TO contact_address", "SELECT contact_address FROM masked_people"),
        ("ALTER TABLE masked_people RENAME TO masked_renamed", "SELECT p FROM masked_renamed p"),
        ("ALTER TABLE masked_people ADD COLUMN x text GENERATED ALWAYS AS (reverse(email)) STORED",
         "SELECT reverse(x) FROM masked_people"),
    ])
    func copiesOfMaskedValuesAreRefused(attack: String, readBack: String) throws {
        defer { gateway.stop() }
        let result = try throughColumnRules(attack)
        #expect(result.stderr.contains("statement refused by Warden"), "\(result.output)")
        #expect(result.stderr.contains("masked"), "\(result.output)")
        let read = try throughColumnRules(readBack)
        for secret in ["ada@", "grace@", "123-45", "9876-54", "moc.elpmaxe"] {
            #expect(!result.output.contains(secret), "\(secret) leaked: \(result.output)")
            #expect(!read.output.contains(secret), "\(secret) leaked: \(read.output)")
        }
        // Nothing was copied, renamed or created.
        let state = try postgres.superuser("""
            SELECT string_agg(note, ',' ORDER BY id) FROM masked_notes;
            SELECT string_agg(attname, ',' ORDER BY attnum) FROM pg_attribute
              WHERE attrelid = 'masked_people'::regclass AND attnum > 0 AND NOT attisdropped;
            SELECT count(*) FROM pg_class WHERE relname LIKE 'masked_copy%';
            SELECT count(*) FROM pg_proc WHERE proname = 'masked_leak'
            """, database: "orders")
        #expect(state == "hello\nid,name,email,phone,ssn,note\n0\n0\n", "\(state)")
    }

    /// A setting keeps what it is given for the session: `set_config` over
    /// masked data is refused, and the next statement cannot read it back.
    @Test func aSettingCannotCarryAMaskedValue() throws {
        defer { gateway.stop() }
        let token = try gateway.devToken(subject: "alice", groups: ["analysts"])
        let result = try Command.run("psql", [
            gateway.connectionString(database: "orders_columns"), "-X", "-w", "-A", "-t",
            "-c", "SELECT set_config('masked.leak', email, false) FROM masked_people WHERE id = 1",
            "-c", "SELECT coalesce(current_setting('masked.leak', true), 'unset')",
        ], environment: ["PGPASSWORD": token, "PGCONNECT_TIMEOUT": "10"])
        #expect(result.stderr.contains("statement refused by Warden"), "\(result.output)")
        #expect(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "unset", "\(result.output)")
        #expect(!result.output.contains("ada@"), "\(result.output)")
    }

    /// A masked column is no place for a copy: `keep: 4` on a reversed SSN
    /// would show its first digits.
    @Test func aTransformedValueIsNotWrittenBackIntoItsMaskedColumn() throws {
        defer { gateway.stop() }
        for attack in ["UPDATE masked_people SET ssn = reverse(ssn)", "UPDATE masked_people SET ssn = substr(ssn, 1, 4)"] {
            let result = try throughColumnRules(attack)
            #expect(result.stderr.contains("statement refused by Warden"), "\(result.output)")
        }
        #expect(try postgres.superuser("SELECT ssn FROM masked_people ORDER BY id", database: "orders") == "123-45-6789\n234-56-7890\n")
        let read = try throughColumnRules("SELECT ssn FROM masked_people ORDER BY id")
        #expect(read.stdout == "*******6789\n*******7890\n", "\(read.output)")
    }

    /// Writes that copy nothing masked go through, into masked columns too.
    @Test func writesOfOtherValuesStillWork() throws {
        defer { gateway.stop() }
        let result = try throughColumnRules("""
            INSERT INTO masked_notes (id, note) SELECT id + 10, name FROM masked_people WHERE email LIKE 'a%';
            UPDATE masked_people SET email = 'ada@lovelace.example', name = 'Ada' WHERE id = 1;
            CREATE TABLE masked_copy_table AS SELECT id, name FROM masked_people;
            CREATE VIEW masked_copy_view AS SELECT id FROM masked_contacts;
            SELECT note FROM masked_notes ORDER BY id
            """)
        #expect(result.status == 0, "\(result.output)")
        #expect(result.stdout.hasSuffix("hello\nAda Lovelace\n"), "\(result.output)")
        let state = try postgres.superuser(
            "SELECT email, name FROM masked_people WHERE id = 1; SELECT count(*) FROM masked_copy_table", database: "orders")
        #expect(state == "ada@lovelace.example|Ada\n2\n", "\(state)")
    }

    /// A constraint error names the whole row it refused: on a write to a
    /// table with masked columns its DETAIL is withheld, its message kept.
    @Test func aFailingRowIsNotQuoted() throws {
        defer { gateway.stop() }
        let result = try throughColumnRules("UPDATE masked_people SET id = NULL WHERE id = 1")
        #expect(result.stderr.contains("violates not-null constraint"), "\(result.output)")
        #expect(result.stderr.contains("DETAIL:  (withheld)"), "\(result.output)")
        for secret in ["ada@", "123-45", "555 0123", "4111"] {
            #expect(!result.output.contains(secret), "\(secret) leaked: \(result.output)")
        }
    }

    /// A statement long enough to be analysed off the event loop is judged the same.
    @Test func aLongCopyIsRefusedToo() throws {
        defer { gateway.stop() }
        let padding = String(repeating: "x", count: 20_000)
        let result = try throughColumnRules(
            "INSERT INTO masked_notes (id, note) SELECT id + 10, email FROM masked_people WHERE name <> '\(padding)'")
        #expect(result.stderr.contains("statement refused by Warden: INSERT would write values read from masked columns"),
                "\(result.stderr.prefix(500))")
        #expect(try postgres.superuser("SELECT count(*) FROM masked_notes", database: "orders") == "1\n")
    }

    /// The extended protocol (psycopg with a parameter) is refused at Parse.
    @Test func aCopyByTheExtendedProtocolIsRefused() throws {
        defer { gateway.stop() }
        let token = try gateway.devToken(subject: "alice", groups: ["analysts"])
        let script = """
            import sys, psycopg
            with psycopg.connect(sys.argv[1], password=sys.argv[2], sslmode="require") as conn:
                try:
                    conn.execute("INSERT INTO masked_notes (id, note) SELECT id + %s, email FROM masked_people", (10,))
                    print("inserted")
                except psycopg.Error as error:
                    print("refused", error.sqlstate)
            """
        let result = try Command.run("python3", [
            "-c", script, "host=127.0.0.1 port=\(gateway.port) dbname=orders_columns user=alice", token,
        ])
        #expect(result.stdout.contains("refused 42501"), "\(result.output)\n\(gateway.logs)")
        #expect(try postgres.superuser("SELECT count(*) FROM masked_notes", database: "orders") == "1\n")
    }
}
