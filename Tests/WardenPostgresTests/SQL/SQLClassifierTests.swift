import WardenSQLCore
import Testing
@testable import WardenPostgres

@Suite("SQL classifier")
struct SQLClassifierTests {
    @Test func classifiesEachStatementAndKeepsTheMostDangerous() {
        let result = SQLClassifier.classify("SELECT * FROM a; ; DELETE FROM b WHERE id = 1; DROP TABLE a;")
        #expect(result.statements.map(\.classification) == [.read, .write, .ddl])
        #expect(result.statements.map(\.risk) == [.low, .medium, .high])
        #expect(result.statements.map(\.command) == ["SELECT", "DELETE", "DROP"])
        #expect(result.classification == .ddl)
        #expect(result.risk == .high)
        #expect(result.targets == ["a", "b"])
    }

    @Test func normalizesByReplacingConstantsWithParameters() {
        let result = SQLClassifier.classify("SELECT * FROM t WHERE id = 42 AND name = 'ada'")
        #expect(result.normalized == "SELECT * FROM t WHERE id = $1 AND name = $2")
    }

    @Test func anEmptyMessageIsALowRiskReadWithoutStatements() {
        let result = SQLClassifier.classify("  -- nothing\n ; /* here */ ")
        #expect(result.statements.isEmpty)
        #expect(result.classification == .read)
        #expect(result.risk == .low)
    }

    @Test func textThePostgresParserRejectsIsOneUnknownStatement() {
        let result = SQLClassifier.classify("SELECT 1;\n  SELECT 'abc")
        #expect(result.statements.count == 1)
        #expect(result.classification == .unknown)
        #expect(result.risk == .critical)
        #expect(result.statements[0].reason.contains("unterminated quoted string"))
    }

    @Test func theActionNamesItsCommandsAndTheRiskiestReason() {
        let action = SQLClassifier.classify("select 1; update t set a = 1; delete from t where id = 2")
            .action(for: "select 1; update t set a = 1; delete from t where id = 2")
        let attributes = Dictionary(uniqueKeysWithValues: action.attributes.map { ($0.key, $0.value) })
        #expect(attributes["command"] == "SELECT,UPDATE,DELETE")
        #expect(attributes["reason"] == "UPDATE without WHERE affects every row")
        #expect(attributes["refuse"] == nil)
    }

    @Test func commandsComeFromTheTreeNotTheText() {
        #expect(SQLClassifier.classify("/* SELECT */ dRoP/**/TABLE x").statements.map(\.command) == ["DROP"])
        #expect(SQLClassifier.classify("ALTER DEFAULT PRIVILEGES GRANT SELECT ON TABLES TO public")
            .statements.map(\.command) == ["ALTER DEFAULT PRIVILEGES"])
    }

    @Test func explainsItsVerdicts() {
        let result = SQLClassifier.classify("WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d")
        #expect(result.statements[0].reason == "DELETE without WHERE affects every row")
        #expect(SQLClassifier.classify("DO $$ $$").statements[0].reason == "DO runs arbitrary procedural code")
    }

    @Test func changesOfPinnedSettingsAreRefusedWhateverTheRules() {
        for sql in [
            "SET standard_conforming_strings = off", "set \"client_encoding\" to 'SJIS'", "SET NAMES 'GBK'",
            "RESET standard_conforming_strings", "SELECT 1; SELECT set_config('client_encoding', 'SJIS', false)",
            "SELECT set_config(name, 'off', false) FROM pg_settings", "ALTER SYSTEM SET standard_conforming_strings = off",
            "CREATE FUNCTION f() RETURNS int LANGUAGE sql SET standard_conforming_strings = off AS 'SELECT 1'",
            "UPDATE pg_catalog.pg_settings SET setting = 'off' WHERE name = 'standard_conforming_strings'",
        ] {
            let action = SQLClassifier.classify(sql).action(for: sql)
            #expect(action.attributes.contains { $0.key == "refuse" }, "\(sql)")
        }
        for sql in ["SET application_name = 'x'", "RESET ALL", "SELECT set_config('application_name', 'x', false)",
                    "SELECT current_setting('standard_conforming_strings')"] {
            #expect(SQLClassifier.classify(sql).refusal == nil, "\(sql)")
        }
    }

    @Test func aVerdictThatReadAConstantIsNotSharedByShape() {
        #expect(SQLClassifier.classify("SELECT set_config('application_name', 'x', false)").dependsOnConstants)
        #expect(!SQLClassifier.classify("SELECT * FROM t WHERE id = 1").dependsOnConstants)
    }

    @Test func notesABinaryCursor() {
        #expect(SQLClassifier.classify("DECLARE c BINARY CURSOR FOR SELECT 1").sendsBinaryRows)
        #expect(!SQLClassifier.classify("DECLARE c CURSOR FOR SELECT 1").sendsBinaryRows)
    }

    @Test func ordersClassesAndRisksByDanger() {
        #expect(StatementClass.allCases.sorted() == [.read, .transaction, .write, .ddl, .dcl, .admin, .unknown])
        #expect([SQLRisk.critical, .low, .high, .medium].sorted() == [.low, .medium, .high, .critical])
    }

    @Test func deepNestingIsBoundedAndNeverTraps() {
        let parentheses = 5_000
        // The parser drops redundant parentheses: this is `SELECT 1`.
        let deepSelect = "SELECT " + String(repeating: "(", count: parentheses) + "1" + String(repeating: ")", count: parentheses)
        #expect(SQLClassifier.classify(deepSelect).classification == .read)

        let deepWhere = "DELETE FROM t WHERE " + String(repeating: "(a OR ", count: parentheses) + "b"
            + String(repeating: ")", count: parentheses)
        #expect(SQLClassifier.classify(deepWhere).classification == .unknown)

        let nested = String(repeating: "SELECT * FROM (WITH x AS (SELECT 1) ", count: 40) + "SELECT 1"
            + String(repeating: ") s", count: 40)
        #expect(SQLClassifier.classify(nested).classification == .read)
    }

    @Test func classifyingIsLinearInTheStatementsLength() {
        // The review's 330 KB CREATE TEMP TABLE took 37 s with the old reader;
        // a statement this size must classify, and correctly.
        let columns = (1...20_000).map { "c\($0) int" }.joined(separator: ", ")
        let result = SQLClassifier.classify("CREATE TEMP TABLE big (\(columns)); DROP TABLE payments")
        #expect(result.classification == .ddl)
        #expect(result.targets == ["big", "payments"])
    }

    /// Red team: 30,000 nested additions crashed the gateway inside
    /// libpg_query on an 8 MiB stack; parsed on a deep stack they classify.
    @Test func aVeryDeepExpressionDoesNotEndTheProcess() {
        let deep = "SELECT " + String(repeating: "1+", count: 30_000) + "1"
        let result = SQLClassifier.classify(deep)
        #expect(result.statements.count == 1)
        #expect(StatementShapes().classification(of: deep).statements.count == 1)
    }
}
