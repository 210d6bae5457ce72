import Testing
@testable import WardenPostgres

/// Which result columns carry values computed from masked columns.
@Suite("Masking: data flow through statements")
struct MaskedDataFlowTests {
    static func flow() -> MaskedDataFlow {
        var catalog = SourceCatalog()
        for (number, column) in ["id", "name", "email", "ssn"].enumerated() {
            catalog.add(row: ["16384", "\(number + 1)", "public", "people", column].map { ArraySlice($0.utf8) })
        }
        return MaskedDataFlow(maskedNames: ["email", "ssn"], catalog: catalog)
    }

    @Test(arguments: [
        "SELECT split_part(email, '@', 1) FROM people",
        "SELECT regexp_replace(ssn, '-', '', 'g') FROM people",
        "SELECT encode(email::bytea, 'base64') FROM people",
        "SELECT email::bytea FROM people",
        "SELECT ssn::xml FROM people",
        "SELECT to_jsonb(p) FROM people p",
        "SELECT ARRAY[email] FROM people",
        "SELECT replace(ssn, '-', '') FROM people",
        "SELECT translate(ssn, '0123456789', 'abcdefghij') FROM people",
        "SELECT p FROM people p",
        "SELECT row_to_json(people) FROM people",
        "SELECT substr(ssn, 1, 3) FROM people UNION ALL SELECT substr(ssn, 5, 2) FROM people",
        "SELECT string_agg(email, ',') FROM people",
        "SELECT (SELECT max(email) FROM people)",
        "SELECT local FROM (SELECT split_part(email, '@', 1) AS local FROM people) s",
        "WITH x AS (SELECT upper(email) AS e FROM people) SELECT e FROM x",
        "WITH x AS (SELECT email FROM people) SELECT x FROM x",
        "SELECT s.* FROM (SELECT lower(email) FROM people) s",
        // Red team: renamed subquery columns and LATERAL functions.
        "SELECT x FROM (SELECT replace(email, '@', ' at ') FROM people) s(x)",
        "SELECT s.y FROM (SELECT 1, translate(ssn, '-', ' ') FROM people) s(x, y)",
        "SELECT f.f FROM people, LATERAL replace(email, '@', ' at ') f",
        "SELECT f FROM people, LATERAL replace(email, '@', ' at ') f",
        "SELECT s.x FROM people CROSS JOIN LATERAL (SELECT replace(ssn, '-', '') AS x) s",
    ])
    func derivedValuesAreFound(_ sql: String) {
        let plan = Self.flow().plan(for: sql)
        #expect(plan.anyDerived, "\(sql)")
        #expect(plan.isDerived(0), "\(sql)")
    }

    @Test func otherColumnsAreNot() {
        let plan = Self.flow().plan(for: "SELECT id, upper(name), count(email), email FROM people GROUP BY id, name, email")
        #expect(plan.targets == [false, false, false, true])
        #expect(!Self.flow().plan(for: "SELECT now(), 1 + 1, name FROM people WHERE email = 'x'").anyDerived)
        #expect(!Self.flow().plan(for: "SELECT id FROM (SELECT id, email FROM people) s").anyDerived)
    }

    @Test func aStarOrSeveralStatementsMapNoColumnOneToOne() {
        let star = Self.flow().plan(for: "SELECT *, upper(email) FROM people")
        #expect(star.targets == nil)
        #expect(star.isDerived(7))
        let several = Self.flow().plan(for: "SELECT 1; SELECT upper(email) FROM people")
        #expect(several.targets == nil && several.anyDerived)
    }

    @Test func returningAndCursorsAndCopyCount() {
        #expect(Self.flow().plan(for: "UPDATE people SET name = 'x' WHERE id = 1 RETURNING upper(email)").isDerived(0))
        #expect(Self.flow().plan(for: "DECLARE c CURSOR FOR SELECT md5(ssn) FROM people").isDerived(0))
        #expect(Self.flow().plan(for: "COPY (SELECT lower(email) FROM people) TO STDOUT").isDerived(0))
        #expect(Self.flow().plan(for: "FETCH ALL FROM c").anyDerived)
    }
}

extension MaskedDataFlowTests {
    @Test func statementsThatReadMaskedDataAnywhereAreKnown() {
        #expect(Self.flow().touchesMaskedData("SELECT split_part(email, '@', 1)::int FROM people"))
        #expect(Self.flow().touchesMaskedData("SELECT id FROM people WHERE ssn = '1'"))
        #expect(Self.flow().touchesMaskedData("SELECT * FROM people"))
        #expect(!Self.flow().touchesMaskedData("SELECT id, name FROM people"))
        #expect(!Self.flow().touchesMaskedData("SELECT 'x'::int"))
    }

    @Test func conditionsOnMaskedColumnsAreFound() {
        #expect(Self.flow().inferenceColumns("SELECT id FROM people WHERE email LIKE 'a%' ORDER BY ssn") == ["email", "ssn"])
        #expect(Self.flow().inferenceColumns("SELECT a.id FROM people a JOIN people b ON a.email = b.email") == ["email"])
        #expect(Self.flow().inferenceColumns("SELECT email FROM people WHERE id = 1").isEmpty)
    }

    @Test func pgNotifyCallsAreFound() {
        #expect(Self.flow().callsNotify("SELECT pg_notify('c', email) FROM people"))
        #expect(Self.flow().callsNotify(#"SELECT "PG_NOTIFY"('c', 'x')"#))
        #expect(!Self.flow().callsNotify("NOTIFY c, 'x'"))
    }

    @Test func aTextTheParserRejectsIsAssumedToCarryMaskedData() {
        #expect(Self.flow().plan(for: "SELECT (").anyDerived)
    }
}
