/// Statements that carry another statement: EXPLAIN, PREPARE, DECLARE and
/// COPY (query). Each takes the inner statement's class when it runs it.
extension SQLStatementAnalyzer {
    /// `EXPLAIN [ANALYZE] [VERBOSE] stmt` or `EXPLAIN (option [value], …) stmt`.
    /// With ANALYZE the inner statement really runs; without, it is only
    /// planned, which is a read (function calls are still checked, since the
    /// planner may evaluate some).
    func classifyExplain(_ statement: SQLStatement) -> SQLVerdict {
        var cursor = 1
        var analyze = false
        // `EXPLAIN (SELECT …)` is a parenthesized query, not an option list.
        if let close = statement.closing(cursor), !Self.queryKeywords.contains(statement.word(cursor + 1) ?? "") {
            var option = cursor + 1
            while option < close {
                let end = statement.firstSymbol(",", from: option, before: close) ?? close
                if let name = statement.word(option), name == "analyze" || name == "analyse" {
                    // Several ANALYZE options: any that is on counts.
                    analyze = analyze || !isFalse(statement, option + 1..<end)
                }
                option = end + 1
            }
            cursor = close + 1
        } else {
            while let word = statement.word(cursor), ["analyze", "analyse", "verbose"].contains(word) {
                analyze = analyze || word != "verbose"
                cursor += 1
            }
        }
        guard cursor < statement.count else { return .unknown("EXPLAIN without a statement") }
        let inner = nested.classify(statement.slice(cursor..<statement.count))
        if analyze { return inner.explained(by: "EXPLAIN ANALYZE runs the statement") }
        guard inner.statementClass != .unknown else { return inner.explained(by: "EXPLAIN") }
        return .read("EXPLAIN without ANALYZE only plans the statement")
    }

    /// Whether an option value is one of PostgreSQL's spellings of false
    /// (parse_bool accepts unique prefixes). No value means true.
    private func isFalse(_ statement: SQLStatement, _ value: Range<Int>) -> Bool {
        guard value.count == 1 else { return false }
        let spellings: Set<String> = ["f", "fa", "fal", "fals", "false", "n", "no", "of", "off", "0"]
        return spellings.contains(statement.tokens[value.lowerBound].value.lowercased())
    }

    /// `PREPARE name [(types)] AS stmt` has the class of stmt, so a policy
    /// can refuse to prepare what it would refuse to run (EXECUTE is
    /// unknown). `PREPARE TRANSACTION 'id'` is two-phase commit.
    func classifyPrepare(_ statement: SQLStatement) -> SQLVerdict {
        if statement.isWord(1, "transaction"), statement.tokens.count == 3, statement.tokens[2].isString {
            return SQLVerdict(.transaction, "PREPARE TRANSACTION")
        }
        guard statement.isIdentifierLike(1) else { return .unknown("malformed PREPARE") }
        var cursor = 2
        if let close = statement.closing(cursor) { cursor = close + 1 }
        guard statement.isWord(cursor, "as"), cursor + 1 < statement.count else {
            return .unknown("malformed PREPARE")
        }
        return nested.classify(statement.slice(cursor + 1..<statement.count)).explained(by: "PREPARE")
    }

    /// `DECLARE name … CURSOR … FOR query`: the query runs as it is fetched.
    func classifyDeclare(_ statement: SQLStatement) -> SQLVerdict {
        guard let cursorWord = statement.firstWord(in: ["cursor"], from: 1),
              let forWord = statement.firstWord(in: ["for"], from: cursorWord),
              forWord + 1 < statement.count
        else { return .unknown("malformed DECLARE") }
        let query = statement.slice(forWord + 1..<statement.count)
        var first = 0
        while query.isSymbol(first, "(") { first += 1 }
        guard let keyword = query.word(first), Self.queryKeywords.contains(keyword) else {
            return .unknown("DECLARE CURSOR for something that is not a query")
        }
        return SQLVerdict.read("DECLARE CURSOR reads data").combined(with: nested.classify(query))
    }

    /// `COPY table|(query) FROM|TO STDIN|STDOUT|'file'|PROGRAM 'cmd' …`.
    func classifyCopy(_ statement: SQLStatement) -> SQLVerdict {
        var cursor = 1
        if statement.isWord(cursor, "binary") { cursor += 1 }
        var verdict = SQLVerdict.read("COPY TO STDOUT reads data")
        var fromQuery = false
        if let close = statement.closing(cursor) {
            verdict = verdict.combined(with: nested.classify(statement.slice(cursor + 1..<close)))
            fromQuery = true
            cursor = close + 1
        } else {
            guard let table = statement.qualifiedName(at: cursor) else { return .unknown("malformed COPY") }
            cursor = table.end
            if let columns = statement.closing(cursor) { cursor = columns + 1 }
        }
        guard let direction = statement.word(cursor), direction == "from" || direction == "to" else {
            return .unknown("COPY without FROM or TO")
        }
        cursor += 1
        if statement.isWord(cursor, "program") {
            return SQLVerdict(.admin, "COPY … PROGRAM runs a shell command on the database server")
        }
        let isFile = cursor < statement.count && statement.tokens[cursor].isString
        if direction == "from" {
            guard !fromQuery else { return .unknown("COPY (query) FROM") }
            if statement.isWord(cursor, "stdin") { return SQLVerdict(.write, "COPY FROM STDIN loads rows") }
            if isFile { return SQLVerdict(.write, risk: .high, "COPY FROM a server file loads rows") }
        } else {
            if statement.isWord(cursor, "stdout") { return verdict }
            if isFile {
                return verdict.combined(with: SQLVerdict(.admin, "COPY TO a file writes on the database server"))
            }
        }
        return .unknown("COPY with an unrecognized source or destination")
    }
}
