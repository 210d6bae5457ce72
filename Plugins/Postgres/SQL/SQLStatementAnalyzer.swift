/// Decides the class, risk and reason of one statement from its tokens.
///
/// It recognizes statements by their leading keywords and looks inside them
/// only where PostgreSQL can hide a more dangerous statement or call (writable
/// CTEs, EXPLAIN ANALYZE, PREPARE, COPY (query), function calls). Whatever it
/// does not recognize is `unknown`.
struct SQLStatementAnalyzer: Sendable {
    /// Nested statements deeper than this are `unknown`: PostgreSQL itself
    /// limits nesting, and the limit keeps the analysis linear in practice.
    static let maximumNesting = 16

    /// How deep inside other statements the analyzed statement is.
    private(set) var nesting = 0

    /// An analyzer for a statement nested in the one being analyzed.
    var nested: SQLStatementAnalyzer {
        var analyzer = self
        analyzer.nesting += 1
        return analyzer
    }

    func classify(_ statement: SQLStatement) -> SQLVerdict {
        guard nesting <= Self.maximumNesting else { return .unknown("statements nested too deeply") }
        guard !statement.tokens.isEmpty else { return .unknown("empty statement") }
        guard statement.isBalanced else { return .unknown("unbalanced parentheses") }
        if let stray = statement.tokens.first(where: { $0.kind == .other }) {
            return .unknown("unexpected character \(stray.text)")
        }
        let verdict = classifyByKeyword(statement)
        guard verdict.statementClass != .unknown else { return verdict }
        // Any statement can call functions; some run SQL or touch the server.
        return verdict.combined(with: SQLDangerousFunctions.verdict(for: statement))
    }

    private func classifyByKeyword(_ statement: SQLStatement) -> SQLVerdict {
        if statement.isSymbol(0, "(") { return classifyQuery(statement) }
        guard let keyword = statement.word(0) else {
            return .unknown("a statement must start with a keyword")
        }
        switch keyword {
        case "select", "values", "table", "with":
            return classifyQuery(statement)
        case "insert", "update", "delete", "merge":
            return classifyDataChange(statement)
        case "explain":
            return classifyExplain(statement)
        case "prepare":
            return classifyPrepare(statement)
        case "execute":
            return .unknown("EXECUTE runs a prepared statement whose text is not visible here")
        case "declare":
            return classifyDeclare(statement)
        case "copy":
            return classifyCopy(statement)
        case "set":
            return classifySet(statement)
        case "reset":
            return classifyReset(statement)
        case "show", "fetch", "move", "close", "listen", "unlisten", "notify", "deallocate":
            return .read("\(keyword.uppercased()) reads or signals without changing data")
        case "begin", "commit", "rollback", "savepoint", "release", "end", "abort", "discard":
            return SQLVerdict(.transaction, "\(keyword.uppercased()) controls the transaction or session")
        case "start":
            guard statement.isWord(1, "transaction") else { return .unknown("START without TRANSACTION") }
            return SQLVerdict(.transaction, "START TRANSACTION")
        case "do":
            return .unknown("DO runs arbitrary procedural code")
        case "call":
            return .unknown("CALL runs a procedure whose effects are not visible here")
        case "load":
            return SQLVerdict(.admin, "LOAD loads a shared library into the server")
        case "vacuum", "analyze", "analyse", "checkpoint":
            return SQLVerdict(.admin, "\(keyword.uppercased()) is server maintenance")
        case "grant", "revoke", "reassign":
            return SQLVerdict(.dcl, "\(keyword.uppercased()) changes privileges or ownership")
        case "security":
            guard statement.isWord(1, "label") else { return .unknown("SECURITY without LABEL") }
            return SQLVerdict(.dcl, "SECURITY LABEL changes access control labels")
        case "create", "alter", "drop":
            return classifySchemaChange(statement)
        case "truncate":
            return SQLVerdict(.ddl, "TRUNCATE removes every row")
        case "comment", "reindex", "cluster", "refresh", "import":
            return SQLVerdict(.ddl, "\(keyword.uppercased()) changes schema objects")
        case "lock":
            return SQLVerdict(.write, "LOCK takes table locks that block writers")
        default:
            return .unknown("unrecognized statement \(keyword.uppercased())")
        }
    }
}
