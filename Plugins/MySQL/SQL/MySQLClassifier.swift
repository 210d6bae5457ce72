import WardenSQLCore

/// Classifies the text of a COM_QUERY or COM_STMT_PREPARE for policy: each
/// statement's class, risk and targets, read as MariaDB 10.11 reads it.
///
/// Pure and synchronous. The text is cut into tokens as the server's
/// lexer cuts it (``MySQLLexer``), split into statements where the server
/// splits them (``MySQLStatementSplitter``) and each statement judged from
/// its keywords (``MySQLStatementAnalyzer``). A text the lexer cannot read
/// as the server does (an unclosed quote or comment, a NUL byte, bytes that
/// are not UTF-8 outside a string) is one `unknown` statement: where the
/// server would stop reading is in doubt, so nothing in it is trusted.
package enum MySQLClassifier {
    /// One COM_QUERY or COM_STMT_PREPARE text, as bytes (the connection
    /// character set is utf8mb4), read with the connection's `syntax`.
    package static func classify(_ text: [UInt8], syntax: MySQLSyntax) -> SQLClassification {
        classify(text, syntax: syntax, nesting: 0)
    }

    /// As ``classify(_:syntax:)`` for a COM_QUERY whose session follows
    /// sql_mode changes: a `SET [SESSION] sql_mode = literal` that changes
    /// how quotes or backslashes read is allowed as the message's last
    /// statement (every statement before it reads with the current syntax)
    /// and its new syntax returned, for the session to take once it ran.
    package static func classifyFollowingSyntax(_ text: [UInt8], syntax: MySQLSyntax)
        -> (classification: SQLClassification, newSyntax: MySQLSyntax?) {
        var parts: [StatementPart] = []
        var result = classify(text, syntax: syntax, nesting: 0, parts: &parts)
        guard let last = parts.last, let change = last.changedSyntax, parts.dropLast().allSatisfy({ $0.refusal == nil }),
              last.refusal?.hasPrefix("SET sql_mode is refused: it would change") == true
        else { return (result, nil) }
        result.refusal = nil
        return (result, change)
    }

    /// What the session needs of each statement beyond its classification.
    struct StatementPart {
        var refusal: String?
        var changedSyntax: MySQLSyntax?
    }

    static func classify(_ text: [UInt8], syntax: MySQLSyntax, nesting: Int) -> SQLClassification {
        var parts: [StatementPart] = []
        return classify(text, syntax: syntax, nesting: nesting, parts: &parts)
    }

    static func classify(_ text: [UInt8], syntax: MySQLSyntax, nesting: Int, parts: inout [StatementPart]) -> SQLClassification {
        let (tokens, problem) = MySQLLexer.tokenize(text, syntax: syntax)
        switch problem {
        case .unreadable(let reason):
            let statement = StatementClassification(
                classification: .unknown, risk: .critical, targets: [], command: "UNKNOWN",
                reason: "MariaDB cannot read the text as Warden does: \(reason)")
            return SQLClassification(statements: [statement], normalized: normalized(text, tokens))
        case .refused(let reason):
            let statement = StatementClassification(
                classification: .unknown, risk: .critical, targets: [], command: "UNKNOWN",
                reason: "the text reads differently on different servers: \(reason)")
            var result = SQLClassification(statements: [statement], normalized: normalized(text, tokens))
            result.refusal = "Refused: \(reason)"
            return result
        case nil:
            break
        }
        var statements: [StatementClassification] = []
        var refusal: String?
        var dependsOnConstants = false
        for statementTokens in MySQLStatementSplitter.split(tokens, syntax: syntax) {
            let analyzer = MySQLStatementAnalyzer.analyzer(for: statementTokens, syntax: syntax, nesting: nesting)
            statements.append(analyzer.classification)
            parts.append(StatementPart(refusal: analyzer.refusal, changedSyntax: analyzer.changedSyntax))
            refusal = refusal ?? analyzer.refusal
            dependsOnConstants = dependsOnConstants || analyzer.dependsOnConstants
        }
        var result = SQLClassification(statements: statements, normalized: normalized(text, tokens))
        result.refusal = refusal
        result.dependsOnConstants = dependsOnConstants
        return result
    }

    /// The text with every literal replaced by `?` (adjacent strings, and a
    /// string with its `_charset` introducer, being one literal), comments
    /// left out (executable comments' contents kept), and whitespace
    /// collapsed to one space: what rules' patterns match.
    static func normalized(_ text: [UInt8], _ tokens: [MySQLToken]) -> String {
        var output: [UInt8] = []
        var previous: MySQLToken?
        for (index, token) in tokens.enumerated() {
            let next = index + 1 < tokens.count ? tokens[index + 1] : nil
            // An introducer goes with the string after it.
            if token.kind == .word, token.value.first == UInt8(ascii: "_"),
               let next, [.string, .hexLiteral, .bitLiteral].contains(next.kind) {
                if token.spaced, !output.isEmpty { output.append(0x20) }
                previous = token
                continue
            }
            let joinsString = token.kind == .string && previous.map { $0.kind == .string || $0.kind == .nationalString } == true
            if joinsString { previous = token; continue }
            let afterIntroducer = previous.map { $0.kind == .word && $0.value.first == UInt8(ascii: "_") } == true && token.isLiteral
            if token.spaced, !output.isEmpty, !afterIntroducer { output.append(0x20) }
            if token.isLiteral {
                output.append(UInt8(ascii: "?"))
            } else {
                output += text[token.start..<token.end]
            }
            previous = token
        }
        return String(decoding: output, as: UTF8.self)
    }
}
