import Testing
@testable import WardenPostgres

@Suite("SQL classifier")
struct SQLClassifierTests {
    @Test func classifiesEachStatementAndKeepsTheMostDangerous() {
        let result = SQLClassifier.classify("SELECT * FROM a; ; DELETE FROM b WHERE id = 1; DROP TABLE a;")
        #expect(result.statements.map(\.classification) == [.read, .write, .ddl])
        #expect(result.statements.map(\.risk) == [.low, .medium, .high])
        #expect(result.statements.map(\.normalized) == ["SELECT * FROM a", "DELETE FROM b WHERE id = 1", "DROP TABLE a"])
        #expect(result.classification == .ddl)
        #expect(result.risk == .high)
        #expect(result.targets == ["a", "b"])
    }

    @Test func normalizesWithoutCommentsAndWithCollapsedWhitespace() {
        let result = SQLClassifier.classify("  SeLeCt  /* c */ f(a),\n\tb -- x\nFROM t WHERE s = 'two  spaces'; dRoP/**/TABLE x")
        #expect(result.normalized == "SeLeCt f(a), b FROM t WHERE s = 'two  spaces'; dRoP TABLE x")
        #expect(result.statements.last?.normalized == "dRoP TABLE x")
    }

    @Test func anEmptyMessageIsALowRiskReadWithoutStatements() {
        let result = SQLClassifier.classify("  -- nothing\n ; /* here */ ")
        #expect(result.statements.isEmpty)
        #expect(result.classification == .read)
        #expect(result.risk == .low)
        #expect(result.normalized == ";")
    }

    @Test func textThatCannotBeTokenizedIsOneUnknownStatement() {
        let result = SQLClassifier.classify("SELECT 1;\n  SELECT 'abc")
        #expect(result.statements.count == 1)
        #expect(result.classification == .unknown)
        #expect(result.risk == .critical)
        #expect(result.statements[0].reason.contains("unterminated quoted string"))
        #expect(result.normalized == "SELECT 1; SELECT 'abc")
    }

    @Test func honorsTheUpstreamStandardConformingStringsSetting() {
        let sql = #"SELECT 'abc\'; DROP TABLE x; --'"#
        #expect(SQLClassifier(standardConformingStrings: true).classify(sql).classification == .ddl)
        #expect(SQLClassifier(standardConformingStrings: false).classify(sql).classification == .read)
    }

    @Test func theActionNamesItsCommandsAndTheRiskiestReason() {
        let action = SQLClassifier.classify("select 1; update t set a = 1; delete from t where id = 2")
            .action(for: "select 1; update t set a = 1; delete from t where id = 2")
        let attributes = Dictionary(uniqueKeysWithValues: action.attributes.map { ($0.key, $0.value) })
        #expect(attributes["command"] == "SELECT,UPDATE,DELETE")
        #expect(attributes["reason"] == "UPDATE without WHERE affects every row")
    }

    @Test func explainsItsVerdicts() {
        let result = SQLClassifier.classify("WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d")
        #expect(result.statements[0].reason == "in WITH: DELETE without WHERE affects every row")
        #expect(SQLClassifier.classify("DO $$ $$").statements[0].reason == "DO runs arbitrary procedural code")
    }

    @Test func ordersClassesAndRisksByDanger() {
        #expect(StatementClass.allCases.sorted() == [.read, .transaction, .write, .ddl, .dcl, .admin, .unknown])
        #expect([SQLRisk.critical, .low, .high, .medium].sorted() == [.low, .medium, .high, .critical])
    }

    @Test func survivesDeepNestingWithoutRecursingWithoutBound() {
        let parentheses = 5_000
        let deepSelect = "SELECT " + String(repeating: "(", count: parentheses) + "1" + String(repeating: ")", count: parentheses)
        #expect(SQLClassifier.classify(deepSelect).classification == .read)

        let deepWhere = "DELETE FROM t WHERE " + String(repeating: "(a OR ", count: parentheses) + "b"
            + String(repeating: ")", count: parentheses)
        #expect(SQLClassifier.classify(deepWhere).classification == .write)

        let deepWith = String(repeating: "SELECT * FROM (WITH x AS (SELECT 1) ", count: 40) + "SELECT 1"
            + String(repeating: ") s", count: 40)
        #expect(SQLClassifier.classify(deepWith).classification == .unknown)
    }
}
