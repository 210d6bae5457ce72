import WardenSQLCore

/// Classifies the SQL text of a Query or Parse message for policy: each
/// statement's class, risk and targets, from PostgreSQL's own parse tree.
///
/// Pure and synchronous. A text the parser rejects is `unknown`: the server
/// would reject it too, but where it ends is in doubt, so nothing in it is
/// trusted.
package enum SQLClassifier {
    package static func classify(_ sql: String) -> SQLClassification {
        let normalized = (try? PostgresParser.normalize(sql).get()) ?? sql
        return classify(sql, normalized: normalized)
    }

    /// Classifies `sql`, whose normalized form the caller already has.
    static func classify(_ sql: String, normalized: String) -> SQLClassification {
        let statements: [ParseNode]
        switch PostgresParser.parse(sql) {
        case .success(let parsed):
            statements = parsed
        case .failure(let failure):
            let statement = StatementClassification(
                classification: .unknown, risk: .critical, targets: [], command: "UNKNOWN",
                reason: "PostgreSQL's parser rejects the text: \(failure.message)")
            return SQLClassification(statements: [statement], normalized: normalized)
        }
        var classifications: [StatementClassification] = []
        var refusal: String?
        var dependsOnConstants = false, binaryCursor = false
        for statement in statements {
            let (classification, analyzer) = SQLTreeAnalyzer.analyze(statement)
            classifications.append(classification)
            refusal = refusal ?? analyzer.refusal
            dependsOnConstants = dependsOnConstants || analyzer.dependsOnConstants
            binaryCursor = binaryCursor || analyzer.sendsBinaryRows
        }
        var result = SQLClassification(statements: classifications, normalized: normalized)
        result.refusal = refusal
        result.dependsOnConstants = dependsOnConstants
        result.sendsBinaryRows = binaryCursor
        return result
    }
}
