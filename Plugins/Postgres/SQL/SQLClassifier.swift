/// Classifies the SQL text of a Query message for policy: each statement's
/// class, risk and targets, and the text normalized.
///
/// Pure and synchronous: tokenize (`SQLTokenizer`), cut at `;`
/// (`SQLStatementSplitter`), judge each statement (`SQLStatementAnalyzer`),
/// find its tables (`SQLTargetExtractor`).
struct SQLClassifier: Sendable {
    /// The upstream's standard_conforming_strings (reported by ParameterStatus).
    /// PostgreSQL lexes a whole message with the setting in force when it
    /// arrives, so a `SET` inside the message does not change how it is read.
    var standardConformingStrings: Bool

    init(standardConformingStrings: Bool = true) {
        self.standardConformingStrings = standardConformingStrings
    }

    /// Classifies `sql` with the default settings.
    static func classify(_ sql: String) -> SQLClassification {
        SQLClassifier().classify(sql)
    }

    func classify(_ sql: String) -> SQLClassification {
        let tokens: [SQLToken]
        do {
            tokens = try SQLTokenizer(standardConformingStrings: standardConformingStrings).tokenize(sql)
        } catch {
            // Where the text ends is in doubt, so nothing in it can be trusted.
            let normalized = SQLNormalizer.collapsingWhitespace(sql)
            let statement = StatementClassification(
                classification: .unknown, risk: .critical, targets: [], normalized: normalized,
                reason: error.description)
            return SQLClassification(statements: [statement], normalized: normalized)
        }
        let analyzer = SQLStatementAnalyzer()
        let statements = SQLStatementSplitter.split(tokens).map { slice in
            let statement = SQLStatement(slice)
            let verdict = analyzer.classify(statement)
            return StatementClassification(
                classification: verdict.statementClass, risk: verdict.risk,
                targets: SQLTargetExtractor.targets(of: statement),
                normalized: SQLNormalizer.normalize(slice), reason: verdict.reason)
        }
        return SQLClassification(statements: statements, normalized: SQLNormalizer.normalize(tokens))
    }
}
