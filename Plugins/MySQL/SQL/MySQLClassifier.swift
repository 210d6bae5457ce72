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
        classify(text, syntax: syntax, nesting: 0, followingSyntax: false).classification
    }

    /// As ``classify(_:syntax:)`` for a COM_QUERY whose session follows
    /// sql_mode changes: a `SET [SESSION] sql_mode = literal` that changes
    /// how quotes or backslashes read is allowed as the message's last
    /// statement (every statement before it reads with the current syntax)
    /// and its new syntax returned, for the session to take once it ran.
    package static func classifyFollowingSyntax(_ text: [UInt8], syntax: MySQLSyntax)
        -> (classification: SQLClassification, newSyntax: MySQLSyntax?) {
        classify(text, syntax: syntax, nesting: 0, followingSyntax: true)
    }

    /// Why a change of sql_mode that is not followed is refused.
    static let syntaxChangeRefusal = "SET sql_mode is refused: it would change ANSI_QUOTES, NO_BACKSLASH_ESCAPES, MSSQL or "
        + "ORACLE, which decide how the server reads quotes and backslashes"

    static func classify(_ text: [UInt8], syntax: MySQLSyntax, nesting: Int) -> SQLClassification {
        classify(text, syntax: syntax, nesting: nesting, followingSyntax: false).classification
    }

    /// The classification, and the syntax the session takes once the text
    /// ran: only with `followingSyntax`, when its last statement alone (and
    /// nothing else refused) changes it. Any other change is refused here,
    /// beside the statements' own refusals, never in place of one.
    private static func classify(_ text: [UInt8], syntax: MySQLSyntax, nesting: Int, followingSyntax: Bool)
        -> (classification: SQLClassification, newSyntax: MySQLSyntax?) {
        let (tokens, problem) = MySQLLexer.tokenize(text, syntax: syntax)
        switch problem {
        case .unreadable(let reason):
            let statement = StatementClassification(
                classification: .unknown, risk: .critical, targets: [], command: "UNKNOWN",
                reason: "MariaDB cannot read the text as Warden does: \(reason)")
            return (SQLClassification(statements: [statement], normalized: normalized(text, tokens)), nil)
        case .refused(let reason):
            let statement = StatementClassification(
                classification: .unknown, risk: .critical, targets: [], command: "UNKNOWN",
                reason: "the text reads differently on different servers: \(reason)")
            var result = SQLClassification(statements: [statement], normalized: normalized(text, tokens))
            result.refusal = "Refused: \(reason)"
            return (result, nil)
        case nil:
            break
        }
        var statements: [StatementClassification] = []
        var refusal: String?
        var dependsOnConstants = false
        var changes: [(statement: Int, syntax: MySQLSyntax)] = []
        for statementTokens in MySQLStatementSplitter.split(tokens, syntax: syntax) {
            let analyzer = MySQLStatementAnalyzer.analyzer(for: statementTokens, syntax: syntax, nesting: nesting)
            if let change = analyzer.changedSyntax { changes.append((statements.count, change)) }
            statements.append(analyzer.classification)
            refusal = refusal ?? analyzer.refusal
            dependsOnConstants = dependsOnConstants || analyzer.dependsOnConstants
        }
        var newSyntax: MySQLSyntax?
        if let change = changes.first {
            if followingSyntax, changes.count == 1, change.statement == statements.count - 1 {
                newSyntax = change.syntax
            } else {
                refusal = refusal ?? syntaxChangeRefusal
            }
        }
        var result = SQLClassification(statements: statements, normalized: normalized(text, tokens))
        result.refusal = refusal
        result.dependsOnConstants = dependsOnConstants
        return (result, refusal == nil ? newSyntax : nil)
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
