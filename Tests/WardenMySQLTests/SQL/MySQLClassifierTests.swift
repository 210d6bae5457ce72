import Testing
import WardenSQLCore

@testable import WardenMySQLCore

@Suite("MySQL classifier")
struct MySQLClassifierTests {
    private func classify(_ sql: String, _ syntax: MySQLSyntax = MySQLSyntax()) -> SQLClassification {
        MySQLClassifier.classify(Array(sql.utf8), syntax: syntax)
    }

    @Test func classifiesEachStatementAndKeepsTheMostDangerous() {
        let result = classify("SELECT * FROM a; ; DELETE FROM b WHERE id = 1; DROP TABLE a;")
        #expect(result.statements.map(\.classification) == [.read, .write, .ddl])
        #expect(result.statements.map(\.risk) == [.low, .medium, .high])
        #expect(result.statements.map(\.command) == ["SELECT", "DELETE", "DROP TABLE"])
        #expect(result.classification == .ddl)
        #expect(result.risk == .high)
        #expect(result.targets == ["a", "b"])
    }

    @Test func normalizesLiteralsCommentsAndWhitespace() {
        #expect(classify("SELECT * FROM t WHERE id = 42 AND name = 'ada'").normalized
            == "SELECT * FROM t WHERE id = ? AND name = ?")
        #expect(classify("select /* c */ a,\n\t b FROM t -- x\n WHERE c IN (1, 0x1F, X'0A', B'1', 1.5e3, N'z')").normalized
            == "select a, b FROM t WHERE c IN (?, ?, ?, ?, ?, ?)")
        #expect(classify("SELECT _utf8mb4 'a' 'b', \"c\" FROM t # end").normalized == "SELECT ?, ? FROM t")
        #expect(classify("/*!50000 DROP TABLE x */; SELECT 1").normalized == "DROP TABLE x ; SELECT ?")
        #expect(classify("SELECT `a b`, @v, @@sql_mode FROM t.u").normalized == "SELECT `a b`, @v, @@sql_mode FROM t.u")
    }

    @Test func anEmptyMessageIsALowRiskReadWithoutStatements() {
        let result = classify("  -- nothing\n ; /* here */ ")
        #expect(result.statements.isEmpty)
        #expect(result.classification == .read)
        #expect(result.risk == .low)
    }

    @Test func textTheServerCannotReadIsOneUnknownStatement() {
        let result = classify("SELECT 1;\n  SELECT 'abc")
        #expect(result.statements.count == 1)
        #expect(result.classification == .unknown)
        #expect(result.risk == .critical)
        #expect(result.statements[0].reason.contains("is not closed"))
        #expect(result.refusal == nil)
    }

    @Test func anExecutableCommentWhoseEndDependsOnTheVersionIsRefused() {
        let result = classify("SELECT 1 /*!99999 '*/; DROP TABLE x; -- ' */")
        #expect(result.classification == .unknown)
        #expect(result.refusal?.contains("executable comment") == true)
    }

    @Test func theActionNamesItsCommandsTheRiskiestReasonAndTheRefusal() {
        let text = "select 1; update t set a = 1; SET NAMES gbk"
        let action = classify(text).action(for: text)
        let attributes = Dictionary(uniqueKeysWithValues: action.attributes.map { ($0.key, $0.value) })
        #expect(attributes["command"] == "SELECT,UPDATE,SET")
        #expect(attributes["reason"] == "UPDATE without WHERE affects every row")
        #expect(attributes["refuse"]?.contains("gbk") == true)
        #expect(attributes["normalized"] == "select ?; update t set a = ?; SET NAMES gbk")
    }

    @Test func explainsItsVerdicts() {
        #expect(classify("DELETE FROM t").statements[0].reason == "DELETE without WHERE affects every row")
        #expect(classify("DELETE FROM t LIMIT 5").statements[0].reason == "DELETE without WHERE affects every row")
        #expect(classify("EXECUTE s").statements[0].reason == "EXECUTE runs a prepared statement whose text is not visible here")
        #expect(classify("PREPARE s FROM 'DROP TABLE x'").statements[0].reason == "PREPARE: DROP TABLE changes the schema")
        #expect(classify("USE prod").statements[0].reason.contains("prod"))
    }

    @Test func readsTheSyntaxFromSQLMode() {
        #expect(MySQLSyntax(sqlMode: "STRICT_TRANS_TABLES,ANSI_QUOTES") == MySQLSyntax(ansiQuotes: true))
        #expect(MySQLSyntax(sqlMode: "no_backslash_escapes") == MySQLSyntax(noBackslashEscapes: true))
        for mode in ["ANSI", "DB2", "MAXDB", "POSTGRESQL", "REAL_AS_FLOAT,PIPES_AS_CONCAT,ANSI_QUOTES,IGNORE_SPACE,ANSI"] {
            #expect(MySQLSyntax(sqlMode: mode).ansiQuotes, "\(mode)")
        }
        #expect(MySQLSyntax(sqlMode: "MSSQL").bracketQuotes)
        #expect(MySQLSyntax(sqlMode: "ORACLE").oracleGrammar)
        #expect(MySQLSyntax(sqlMode: "TRADITIONAL") == MySQLSyntax())
        #expect(MySQLSyntax(sqlMode: "") == MySQLSyntax())
        // MariaDB 10.11's bit order: 4 is ANSI_QUOTES, 1 << 20 NO_BACKSLASH_ESCAPES, 1 << 18 ANSI.
        #expect(MySQLSyntax.parse(modeBits: 4) == MySQLSyntax(ansiQuotes: true))
        #expect(MySQLSyntax.parse(modeBits: 1 << 20) == MySQLSyntax(noBackslashEscapes: true))
        #expect(MySQLSyntax.parse(modeBits: 1 << 18)?.ansiQuotes == true)
        #expect(MySQLSyntax.parse(modeBits: 1 << 35) == nil)
        #expect(MySQLSyntax.parse(modeList: Array(" ANSI_QUOTES".utf8)) == nil)
    }

    @Test func splitsCompoundStatementsAsOne() {
        let text = """
            CREATE PROCEDURE p() BEGIN
              DECLARE n INT DEFAULT 0;
              lbl: WHILE n < 3 DO SET n = n + 1; END WHILE lbl;
              IF n = 3 THEN SELECT CASE WHEN n THEN 1 ELSE 2 END; ELSE SELECT 0; END IF;
              REPEAT SET n = n - 1; UNTIL n = 0 END REPEAT;
            END;
            SELECT 1
            """
        #expect(classify(text).statements.map(\.command) == ["CREATE PROCEDURE", "SELECT"])
        #expect(classify("BEGIN; SELECT 1; COMMIT").statements.map(\.command) == ["BEGIN", "SELECT", "COMMIT"])
        // A parameter named begin does not open a block that would hide the DROP.
        #expect(classify("CREATE PROCEDURE p(begin INT) SELECT begin; DROP TABLE x").statements.map(\.command)
            == ["CREATE PROCEDURE", "DROP TABLE"])
    }

    @Test func aStoredBodyCountsAsIfItRan() {
        let result = classify("CREATE PROCEDURE p() BEGIN GRANT ALL ON *.* TO x; END")
        #expect(result.classification == .dcl)
        #expect(classify("CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW CALL p()").classification == .unknown)
    }

    @Test func preparedTextsAreReadWithTheConnectionsSyntax() {
        // The prepared text is unescaped first: `SELECT 1'; DROP TABLE x; -- ` has an unclosed quote.
        let text = "PREPARE s FROM 'SELECT 1\\'; DROP TABLE x; -- '"
        #expect(classify(text).classification == .unknown)
        // Under NO_BACKSLASH_ESCAPES the backslash is data and the prepared text ends before the DROP.
        #expect(classify(text, MySQLSyntax(noBackslashEscapes: true)).statements.map(\.command) == ["PREPARE", "DROP TABLE"])
        #expect(classify("PREPARE s FROM 'SELECT \"a\\\\\"; DROP TABLE x'", MySQLSyntax(ansiQuotes: true)).classification
            == .ddl)
        // Nested PREPARE texts are read to a limit, then unknown.
        var nested = "DROP TABLE x"
        for _ in 0..<12 { nested = "PREPARE s FROM '" + nested.replacingOccurrences(of: "'", with: "''") + "'" }
        #expect(classify(nested).classification == .unknown)
    }

    @Test func deeplyNestedTextIsUnknownNotACrash() {
        let depth = 100_000
        let text = "SELECT * FROM " + String(repeating: "(", count: depth) + "t" + String(repeating: ")", count: depth)
        #expect(classify(text).classification == .unknown)
        let condition = "DELETE FROM t WHERE " + String(repeating: "(", count: depth) + "id = 1" + String(repeating: ")", count: depth)
        #expect(classify(condition).classification == .unknown)
        #expect(classify("SELECT " + String(repeating: "1;", count: 50_000)).statements.count == 50_000)
    }

    @Test func aVerdictThatReadALiteralIsNotSharedByShape() {
        #expect(classify("PREPARE s FROM 'SELECT 1'").dependsOnConstants)
        #expect(classify("SET NAMES 'utf8mb4'").dependsOnConstants)
        #expect(classify("SET sql_mode = ''").dependsOnConstants)
        #expect(!classify("SELECT * FROM t WHERE id = 1").dependsOnConstants)
    }

    @Test func refusesCharacterSetChangesHoweverSpelled() {
        for text in [
            "SET NAMES gbk", "SET NAMES 'GBK'", "SET NAMES `big5`", "SET NAMES \"sjis\" COLLATE sjis_bin",
            "SET CHARACTER SET cp932", "SET CHARSET 'gb18030'", "SET character_set_client = big5",
            "SET @@character_set_client=gbk", "SET @@SESSION.character_set_client = gbk", "SET SESSION character_set_client = gbk",
            "SET LOCAL character_set_connection = gbk", "set Character_Set_Results = 'sjis'", "/*!40101 SET NAMES gbk */",
            "SET /*!40101 NAMES */ gbk", "SET NAMES DEFAULT", "SET character_set_client = CONCAT('g', 'bk')",
            "SET collation_connection = 'big5_chinese_ci'", "SET STATEMENT character_set_client = gbk FOR SELECT 1",
            // latin1 reads 0xA0 as a space, which UTF-8 holds inside a name (red team, MySQL round 1).
            "SET NAMES 'latin1'", "SET CHARACTER SET binary", "SET character_set_client = ascii",
            "SET collation_connection = latin1_swedish_ci",
        ] {
            #expect(classify(text).refusal != nil, "\(text)")
        }
        for text in ["SET NAMES utf8mb4", "SET NAMES utf8 COLLATE utf8_general_ci", "SET NAMES utf8mb3",
                     "SET character_set_results = NULL", "SET NAMES 'UTF8MB4' COLLATE 'utf8mb4_unicode_ci'"] {
            #expect(classify(text).refusal == nil, "\(text)")
        }
    }

    /// A prepared text in another character set is converted by the server
    /// before it is parsed: a GBK character can then end a string Warden
    /// read as going on (red team, MySQL round 1).
    @Test func refusesPreparedTextsInAnotherCharacterSet() {
        for text in [
            "EXECUTE IMMEDIATE _gbk X'53454c45435420277882bf5c27'", "PREPARE s FROM _big5'SELECT 1'",
            "EXECUTE IMMEDIATE _latin1 'SELECT 1'", "PREPARE s FROM _sjis 'x' 'y'",
        ] {
            #expect(classify(text).refusal?.contains("another character set") == true, "\(text)")
        }
        #expect(classify("EXECUTE IMMEDIATE _utf8mb4'SELECT 1'").refusal == nil)
    }

    /// Nested wrappers end at a depth limit as unknown, rather than in a
    /// stack overflow that took the whole gateway down (red team, MySQL round 1).
    @Test func deeplyNestedWrappersAreUnknownNotACrash() {
        for text in [String(repeating: "ANALYZE ", count: 6_000) + "SELECT 1",
                     String(repeating: "SET STATEMENT a=1 FOR ", count: 8_000) + "SELECT 1"] {
            let result = classify(text)
            #expect(result.classification == .unknown, "\(text.prefix(40))")
        }
    }

    /// KILL reaches upstream threads every Warden session shares: refused in
    /// any form and at any depth (the gateway answers its own form before
    /// classifying). Red team, MySQL round 1: nested forms were only `admin`.
    @Test func killIsRefusedAtAnyDepth() {
        for text in [
            "KILL 12", "EXECUTE IMMEDIATE 'KILL 12'", "EXECUTE IMMEDIATE X'4b494c4c203132'", "PREPARE s FROM 'KILL QUERY 12'",
            "BEGIN NOT ATOMIC KILL 12; END", "SET STATEMENT max_statement_time=1 FOR KILL 12",
            "BEGIN NOT ATOMIC IF 1 THEN KILL 12; END IF; END", "BEGIN NOT ATOMIC FOR i IN 1..2 DO KILL 12; END FOR; END",
        ] {
            #expect(classify(text).refusal?.contains("KILL takes the connection id Warden gave") == true, "\(text)")
        }
    }

    /// Bare names of the tables that show other sessions' statements are
    /// judged as the qualified ones (after USE information_schema).
    @Test func otherSessionsTablesAreAdminUnqualifiedToo() {
        for text in ["SELECT * FROM processlist", "SELECT info FROM threads", "SELECT * FROM events_statements_history_long"] {
            #expect(classify(text).classification == .admin, "\(text)")
        }
    }

    /// Every table a statement reaches is a target, whatever group comes
    /// before it (red team, MySQL round 1: tables after `ON (…)`, a function
    /// call, an index hint or JSON_TABLE were none, nor ODBC's forms).
    @Test func tablesAfterAGroupAreTargets() {
        for text in [
            "SELECT p.secret FROM customers c JOIN customers d ON (c.id = d.id) JOIN payments p ON p.customer_id = c.id",
            "SELECT p.secret FROM customers c JOIN customers d ON c.id = ABS(d.id) JOIN payments p ON 1",
            "SELECT p.secret FROM customers c JOIN customers d USING (id) JOIN payments p ON p.id = c.id",
            "SELECT p.secret FROM customers c USE INDEX (PRIMARY), payments p",
            "SELECT p.secret FROM JSON_TABLE('[1]', '$[*]' COLUMNS(x INT PATH '$')) j, payments p",
            "SELECT secret FROM .payments",
            "SELECT secret FROM {OJ payments LEFT OUTER JOIN customers ON 1=1}",
            "DELETE p FROM customers c JOIN customers d ON (c.id = d.id) JOIN payments p ON p.customer_id = c.id WHERE p.id = 3",
            "HANDLER .payments OPEN AS h", "UPDATE .payments SET secret = 1 WHERE id = 1", "DELETE FROM .payments WHERE id = 1",
        ] {
            #expect(classify(text).targets.contains("payments"), "\(text): \(classify(text).targets)")
        }
    }

    /// A followed sql_mode change is followed only alone: beside another
    /// refused setting, twice in one statement, or GLOBAL (which leaves this
    /// session's syntax as it is), it stays refused.
    @Test func aSQLModeChangeIsFollowedOnlyWhenItIsAllThereIs() {
        let ansi = MySQLSyntax(sqlMode: "ANSI_QUOTES")
        let followed = MySQLClassifier.classifyFollowingSyntax(Array("SET SESSION sql_mode = 'ANSI_QUOTES'".utf8), syntax: MySQLSyntax())
        #expect(followed.classification.refusal == nil && followed.newSyntax == ansi)
        for text in [
            "SET sql_mode = 'ANSI_QUOTES', character_set_client = gbk", "SET character_set_client = gbk, sql_mode = 'ANSI_QUOTES'",
            "SET sql_mode = 'ANSI_QUOTES', sql_mode = ''", "SET GLOBAL sql_mode = 'ANSI_QUOTES'",
            "SET sql_mode = 'ANSI_QUOTES'; SELECT 1", "SET sql_mode = 'ANSI_QUOTES'; SET sql_mode = 'NO_BACKSLASH_ESCAPES'",
        ] {
            let result = MySQLClassifier.classifyFollowingSyntax(Array(text.utf8), syntax: MySQLSyntax())
            #expect(result.classification.refusal != nil && result.newSyntax == nil, "\(text)")
        }
        #expect(classify("SET SESSION sql_mode = 'ANSI_QUOTES'").refusal == MySQLClassifier.syntaxChangeRefusal)
    }
}
