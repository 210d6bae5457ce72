/// SELECT, VALUES, TABLE and WITH: reads, unless they hide a data change,
/// create a table (SELECT INTO) or lock rows (FOR UPDATE).
extension SQLStatementAnalyzer {
    static let queryKeywords: Set<String> = ["select", "values", "table", "with"]
    static let dataChangeKeywords: Set<String> = ["insert", "update", "delete", "merge"]

    func classifyQuery(_ statement: SQLStatement) -> SQLVerdict {
        if statement.isWord(0, "with") { return classifyWith(statement) }
        var first = 0
        while statement.isSymbol(first, "(") { first += 1 }
        guard let keyword = statement.word(first), Self.queryKeywords.contains(keyword) else {
            return .unknown("parentheses around something that is not a query")
        }
        var verdict = SQLVerdict.read("\(keyword.uppercased()) reads data")
            .combined(with: nestedStatementsVerdict(statement))
        for index in statement.tokens.indices {
            if statement.isWord(index, "into"), !statement.isWord(index - 1, "insert"), !statement.isWord(index - 1, "merge") {
                verdict = verdict.combined(with: SQLVerdict(.ddl, "SELECT INTO creates a table"))
            } else if statement.isWord(index, "for"), isLockingClause(statement, at: index + 1) {
                verdict = verdict.combined(with: SQLVerdict(.write, "SELECT … FOR UPDATE/SHARE locks rows"))
            }
        }
        return verdict
    }

    /// `WITH …`: the most dangerous of its expressions and its main statement.
    private func classifyWith(_ statement: SQLStatement) -> SQLVerdict {
        guard let clause = SQLWithClause(statement, at: 0) else { return .unknown("malformed WITH clause") }
        var verdict = SQLVerdict.read("WITH query reads data")
        for body in clause.bodies {
            verdict = verdict.combined(with: nested.classify(statement.slice(body)).explained(by: "in WITH"))
        }
        let main = statement.slice(clause.mainStart..<statement.count)
        var first = 0
        while main.isSymbol(first, "(") { first += 1 }
        guard let keyword = main.word(first),
              keyword != "with", Self.queryKeywords.union(Self.dataChangeKeywords).contains(keyword)
        else { return .unknown("WITH is not followed by a query or a data change") }
        return verdict.combined(with: nested.classify(main))
    }

    /// The verdict for statements nested in parentheses that change data:
    /// `(DELETE FROM …)`, `(UPDATE …)`, `(INSERT INTO …)`, `(MERGE INTO …)`
    /// and `(WITH …)`, wherever they are. PostgreSQL accepts most of these
    /// only as top-level CTEs, but looking everywhere costs nothing.
    func nestedStatementsVerdict(_ statement: SQLStatement) -> SQLVerdict {
        var verdict = SQLVerdict.read("no nested data change")
        var index = 0
        while index < statement.count {
            if let close = statement.closing(index),
               statement.isWord(index + 1, "with") || isDataChangeStart(statement, at: index + 1) {
                let inner = nested.classify(statement.slice(index + 1..<close))
                verdict = verdict.combined(with: inner.explained(by: "nested statement"))
                index = close + 1
            } else {
                index += 1
            }
        }
        return verdict
    }

    /// Whether a data-changing statement starts at `index`: `INSERT INTO`,
    /// `DELETE FROM`, `MERGE INTO` or `UPDATE [ONLY] name [*] [[AS] alias] SET`.
    /// The full shape is required so a column that happens to be named
    /// `update` is not taken for a statement.
    func isDataChangeStart(_ statement: SQLStatement, at index: Int) -> Bool {
        switch statement.word(index) {
        case "insert", "merge":
            return statement.isWord(index + 1, "into")
        case "delete":
            return statement.isWord(index + 1, "from")
        case "update":
            return statement.updatedTable(at: index) != nil
        default:
            return false
        }
    }

    /// `UPDATE`, `NO KEY UPDATE`, `SHARE` or `KEY SHARE` after `FOR`.
    private func isLockingClause(_ statement: SQLStatement, at index: Int) -> Bool {
        statement.isWord(index, "update") || statement.isWord(index, "share")
            || (statement.isWord(index, "no") && statement.isWord(index + 1, "key") && statement.isWord(index + 2, "update"))
            || (statement.isWord(index, "key") && statement.isWord(index + 1, "share"))
    }
}
