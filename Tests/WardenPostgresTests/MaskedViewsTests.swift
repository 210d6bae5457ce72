import Testing
@testable import WardenPostgres

/// Views, materialized views and functions over masked columns, read from
/// the catalog when the session starts: a view names itself as its
/// columns' source, so its definition says what each column carries.
@Suite("Masking: views and functions over masked columns")
struct MaskedViewsTests {
    /// `people` with masked `email` and `ssn`; views over it as
    /// `pg_get_viewdef` prints them (PostgreSQL 15 qualifies every column
    /// reference, 16 leaves them bare when one relation is read), in the
    /// order the catalog query returns them; and user-defined functions.
    static func catalog() -> SourceCatalog {
        var catalog = SourceCatalog(ruleNames: ["email", "ssn"])
        func relation(_ oid: Int, _ name: String, _ columns: [String], depth: Int = 1, schema: String = "public",
                      _ definition: String? = nil) {
            for (index, column) in columns.enumerated() {
                let values: [String?] = ["\(oid)", "\(index + 1)", schema, name, column, "\(depth)", index == 0 ? definition : nil]
                catalog.add(row: values.map { $0.map { ArraySlice($0.utf8) } })
            }
        }
        func function(_ name: String, _ language: String, _ body: String) {
            let definition = "CREATE OR REPLACE FUNCTION public.\(name)()\n RETURNS SETOF text\n LANGUAGE \(language)\nAS $function$\(body)$function$\n"
            catalog.addFunction(row: [name, language, definition].map { ArraySlice($0.utf8) })
        }
        relation(16384, "people", ["id", "name", "email", "ssn"], depth: 0)
        relation(16390, "v", ["id", "contact"], " SELECT people.id,\n    people.email AS contact\n   FROM people;")
        relation(16391, "v16", ["id", "contact"], " SELECT id,\n    email AS contact\n   FROM people;")
        relation(16392, "mv", ["id", "e", "r"], " SELECT people.id,\n    people.email AS e,\n    reverse(people.ssn) AS r\n   FROM people;")
        relation(16393, "vsub", ["x"], " SELECT s.x\n   FROM ( SELECT people.email AS x\n           FROM people) s;")
        relation(16394, "vu", ["email"], " SELECT people.email\n   FROM people\nUNION\n SELECT other.note AS email\n   FROM other;")
        relation(16395, "vj", ["mail", "note"], " SELECT p.email AS mail,\n    o.note\n   FROM (people p\n     JOIN other o USING (id));")
        relation(16396, "Quoted View", ["Contact"], " SELECT people.email AS \"Contact\"\n   FROM people;")
        relation(16397, "clean", ["id", "name"], " SELECT people.id,\n    people.name\n   FROM people;")
        relation(16398, "vf", ["x", "y"], " SELECT f() AS x,\n    g() AS y;")
        relation(16399, "vw", ["whole"], " SELECT p.*::people AS whole\n   FROM people p;")
        relation(16400, "v2", ["c2", "u"], depth: 2, " SELECT v.contact AS c2,\n    upper(v.contact) AS u\n   FROM v;")
        relation(16401, "v3", ["c3"], depth: 3, " SELECT v2.u AS c3\n   FROM v2;")
        function("f", "sql", "SELECT email FROM people")
        function("g", "plpgsql", "BEGIN RETURN NEXT 'hello'; END")
        function("h", "sql", "SELECT f()")
        function("dynamic", "plpgsql", "BEGIN RETURN QUERY EXECUTE 'SELECT em' || 'ail FROM people'; END")
        function("python", "plpython3u", "return ['x']")
        function("escaped", "plpgsql", #"BEGIN RETURN QUERY SELECT U&"\0065mail" FROM people; END"#)
        function("viewer", "sql", "SELECT \"Contact\" FROM \"Quoted View\"")
        function("xml", "sql", "SELECT query_to_xml('select 1', true, false, '')::text")
        catalog.resolve()
        return catalog
    }

    static func origin(_ catalog: SourceCatalog, _ table: UInt32, _ column: Int16) -> SourceCatalog.Origin? {
        catalog.origin(table: table, column: column)
    }

    @Test func aPlainReferenceTakesTheSourceItReads() {
        let catalog = Self.catalog()
        #expect(Self.origin(catalog, 16390, 2) == .source("public.people.email"))
        #expect(Self.origin(catalog, 16390, 1) == .source("public.v.id"), "a column of no masked data keeps its own")
        #expect(Self.origin(catalog, 16391, 2) == .source("public.people.email"), "PostgreSQL 16's unqualified form")
        #expect(Self.origin(catalog, 16392, 2) == .source("public.people.email"), "a materialized view")
        #expect(Self.origin(catalog, 16395, 1) == .source("public.people.email"), "through an alias and a join")
        #expect(Self.origin(catalog, 16395, 2) == .source("public.vj.note"))
        #expect(Self.origin(catalog, 16396, 1) == .source("public.people.email"), "a quoted view and column")
        #expect(Self.origin(catalog, 16400, 1) == .source("public.people.email"), "a view over a view")
    }

    @Test func aComputedOrUncertainColumnIsRedacted() {
        let catalog = Self.catalog()
        #expect(Self.origin(catalog, 16392, 3) == .computed, "reverse(ssn)")
        #expect(Self.origin(catalog, 16393, 1) == .computed, "through a subquery")
        #expect(Self.origin(catalog, 16394, 1) == .computed, "a UNION")
        #expect(Self.origin(catalog, 16398, 1) == .computed, "a function whose body reads email")
        #expect(Self.origin(catalog, 16398, 2) == .source("public.vf.y"), "a function that reads nothing masked")
        #expect(Self.origin(catalog, 16399, 1) == .computed, "a whole row")
        #expect(Self.origin(catalog, 16400, 2) == .computed, "upper() of a view's column")
        #expect(Self.origin(catalog, 16401, 1) == .computed, "a plain reference to a computed column")
    }

    @Test func viewColumnsThatCarryMaskedDataJoinTheMaskedNames() {
        let catalog = Self.catalog()
        for name in ["contact", "e", "r", "x", "mail", "c2", "u", "c3", "whole"] {
            #expect(catalog.maskedNames.contains(name), "\(name)")
        }
        for name in ["id", "name", "note", "y"] {
            #expect(!catalog.maskedNames.contains(name), "\(name)")
        }
        #expect(Self.origin(catalog, 16397, 1) == .source("public.clean.id"))
        #expect(Self.origin(catalog, 16397, 2) == .source("public.clean.name"))
    }

    @Test func functionsThatMayReadMaskedDataAreKnownByName() {
        let catalog = Self.catalog()
        #expect(catalog.maskedFunctions == ["f", "h", "dynamic", "python", "escaped", "viewer", "xml"])
        // These run SQL Warden cannot see: they are not called at all (MaskedDataCopiesTests).
        #expect(catalog.unseenSQLFunctions == ["dynamic", "python", "xml"])
    }

    @Test func aDefinitionTheParserRejectsMakesEveryColumnComputed() {
        var catalog = SourceCatalog(ruleNames: ["email"])
        catalog.add(row: ["1", "1", "public", "people", "email"].map { ArraySlice($0.utf8) })
        catalog.add(row: ["2", "1", "public", "odd", "id", "1", " SELECT FROM WHERE;"].map { ArraySlice($0.utf8) })
        catalog.resolve()
        #expect(catalog.origin(table: 2, column: 1) == .computed)
    }

    /// Two schemas with a `people`: a bare name may be either, so a view
    /// over it cannot say which one it reads, and a statement naming it
    /// counts as reading masked data.
    @Test func aNameTwoSchemasShareIsTreatedAsTheMaskedOne() {
        var catalog = SourceCatalog(ruleNames: ["ssn"])
        catalog.add(row: ["1", "1", "hr", "people", "ssn"].map { ArraySlice($0.utf8) })
        catalog.add(row: ["2", "1", "public", "people", "id"].map { ArraySlice($0.utf8) })
        catalog.add(row: ["2", "2", "public", "people", "ssn"].map { ArraySlice($0.utf8) })
        catalog.add(row: ["3", "1", "public", "v", "s", "1", " SELECT ssn AS s FROM people;"].map { ArraySlice($0.utf8) })
        catalog.resolve()
        #expect(catalog.origin(table: 3, column: 1) == .computed)
        let flow = MaskedDataFlow(maskedNames: catalog.maskedNames, catalog: catalog)
        #expect(flow.plan(for: "SELECT p FROM people p").isDerived(0))
        #expect(flow.plan(for: "SELECT p FROM HR.People p").isDerived(0))
    }
}

extension MaskedViewsTests {
    static func flow() -> MaskedDataFlow {
        let catalog = catalog()
        return MaskedDataFlow(maskedNames: catalog.maskedNames, catalog: catalog)
    }

    @Test(arguments: [
        "SELECT upper(contact) FROM v",
        "SELECT upper(\"CONTACT\") FROM (SELECT contact AS \"CONTACT\" FROM v) s",
        "SELECT split_part(c2, '@', 1) FROM public.v2",
        "SELECT v FROM v",
        "SELECT row_to_json(x) FROM \"Quoted View\" x",
        "SELECT * FROM f()",
        "SELECT contact FROM f()",
        "SELECT x FROM public.F() AS t(x)",
        "SELECT t.contact FROM f() t",
        "SELECT h()",
        "SELECT * FROM dynamic()",
        "SELECT query_to_xml('select ssn from people', true, false, '')",
        "SELECT * FROM replace((SELECT email FROM people LIMIT 1), '@', ' at ')",
        "SELECT replace FROM replace((SELECT email FROM people LIMIT 1), '@', ' at ')",
    ])
    func valuesFromViewsAndFunctionsAreFound(_ sql: String) {
        #expect(Self.flow().plan(for: sql).isDerived(0), "\(sql)")
    }

    @Test func cleanViewsAndFunctionsAreNot() {
        #expect(!Self.flow().plan(for: "SELECT upper(name), id FROM clean").anyDerived)
        #expect(!Self.flow().plan(for: "SELECT * FROM g()").anyDerived)
        #expect(!Self.flow().plan(for: "SELECT g(), upper(note) FROM vj").anyDerived)
    }

    @Test func aProcedureThatMayReadMaskedDataHasItsOutputRedacted() {
        #expect(Self.flow().plan(for: "CALL python()").anyDerived)
        #expect(!Self.flow().plan(for: "CALL g()").anyDerived)
    }

    @Test func readingAViewsMaskedColumnTouchesMaskedData() {
        #expect(Self.flow().touchesMaskedData("SELECT id FROM v WHERE contact = 'x'"))
        #expect(Self.flow().touchesMaskedData("SELECT 1 FROM f()"))
        #expect(!Self.flow().touchesMaskedData("SELECT id FROM clean WHERE name = 'x'"))
        #expect(Self.flow().inferenceColumns("SELECT id FROM v WHERE contact LIKE 'a%'") == ["contact"])
    }
}
