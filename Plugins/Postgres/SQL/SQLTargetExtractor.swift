/// Finds the tables a statement names, for rules that match on targets.
///
/// Best effort, not a parser: it reads names after FROM, JOIN, UPDATE,
/// INSERT INTO, DELETE FROM, MERGE INTO … USING, TRUNCATE, LOCK, COPY, TABLE,
/// SELECT INTO, CREATE/ALTER/DROP TABLE, CREATE INDEX … ON and GRANT/REVOKE
/// … ON [TABLE], and leaves out names defined by WITH. Tables reached through
/// views, functions or dynamic SQL are invisible to it.
struct SQLTargetExtractor {
    private let statement: SQLStatement
    private var names: [String] = []
    private var commonTableExpressions: Set<String> = []

    /// Words that cannot be a table alias, so they end a FROM item.
    private static let clauseWords: Set<String> = [
        "where", "join", "inner", "left", "right", "full", "cross", "natural", "on", "using", "group",
        "order", "limit", "offset", "having", "window", "union", "intersect", "except", "for", "returning",
        "set", "into", "fetch", "tablesample", "when", "then", "values", "select", "do", "and", "or",
        "with", "default", "lateral", "cascade", "restrict", "in", "nowait",
    ]

    /// Keywords before a parenthesis that make it not a function call, so
    /// a FROM inside it lists tables (unlike `extract(year FROM ts)`).
    private static let keywordsBeforeParentheses: Set<String> = [
        "from", "join", "lateral", "in", "exists", "as", "any", "all", "some", "array", "on", "using",
        "and", "or", "not", "where", "when", "then", "else", "set", "values", "select", "by", "having",
        "returning", "union", "intersect", "except",
    ]

    /// Statements whose top-level FROM names something other than a table
    /// (`COPY t FROM STDIN`, `REVOKE … FROM role`, `FETCH … FROM cursor`).
    private static let statementsWithOtherFrom: Set<String> = ["copy", "grant", "revoke", "fetch", "move", "alter"]

    /// Words after GRANT/REVOKE … ON that name a kind of object other than
    /// a table (`TABLE` itself is read by `readTable`).
    private static let privilegeObjectKinds: Set<String> = [
        "table", "sequence", "database", "domain", "foreign", "function", "procedure", "routine", "language",
        "large", "schema", "tablespace", "type", "all", "parameter",
    ]

    /// Statements that name schemas, servers or labels but no tables.
    private static let statementsWithoutTables: Set<String> = ["import", "security"]

    /// The tables named by `statement`: lowercased unless quoted, qualified
    /// as written, deduplicated, in order.
    static func targets(of statement: SQLStatement) -> [String] {
        var extractor = SQLTargetExtractor(statement: statement)
        extractor.scan()
        var seen: Set<String> = []
        return extractor.names.filter { !extractor.commonTableExpressions.contains($0) && seen.insert($0).inserted }
    }

    private init(statement: SQLStatement) {
        self.statement = statement
    }

    private mutating func scan() {
        let first = statement.word(0) ?? ""
        guard !Self.statementsWithoutTables.contains(first) else { return }
        var insideCall: [Bool] = []
        var usingListsTables = false
        for index in statement.tokens.indices {
            if statement.isSymbol(index, "(") {
                insideCall.append(isFunctionCall(at: index))
                continue
            }
            if statement.isSymbol(index, ")") {
                _ = insideCall.popLast()
                continue
            }
            guard insideCall.last != true, let word = statement.word(index) else { continue }
            switch word {
            case "from":
                let otherFrom = statement.depths[index] == 0 && Self.statementsWithOtherFrom.contains(first)
                // `IS DISTINCT FROM` compares values.
                if !otherFrom, !statement.isWord(index - 1, "distinct") { readFromList(at: index + 1, list: true) }
            case "join":
                readFromList(at: index + 1, list: true)
            case "using" where usingListsTables:
                readFromList(at: index + 1, list: true)
            case "delete", "merge":
                usingListsTables = true
            case "into":
                readInto(at: index)
            case "update":
                if let table = statement.updatedTable(at: index) { names.append(table) }
            case "table":
                readTable(at: index, first: first)
            case "truncate", "lock", "copy":
                if index == 0, !statement.isWord(1, "table") {
                    readNameList(at: statement.isWord(1, "binary") ? 2 : 1, list: word != "copy")
                }
            case "on":
                // CREATE [UNIQUE] INDEX … ON table
                if first == "create", statement.isWord(1, "index") || statement.isWord(2, "index") {
                    readNameList(at: index + 1, list: false)
                }
                // GRANT … ON t, u TO …: a bare name means a table.
                if first == "grant" || first == "revoke", statement.depths[index] == 0,
                   !Self.privilegeObjectKinds.contains(statement.word(index + 1) ?? "") {
                    readNameList(at: index + 1)
                }
            case "with":
                if let clause = SQLWithClause(statement, at: index) { commonTableExpressions.formUnion(clause.names) }
            default:
                break
            }
        }
    }

    private func isFunctionCall(at index: Int) -> Bool {
        guard statement.isIdentifierLike(index - 1),
              !Self.keywordsBeforeParentheses.contains(statement.word(index - 1) ?? "")
        else { return false }
        return !statement.isSymbol(index + 1, "(")
            && !SQLStatementAnalyzer.queryKeywords.contains(statement.word(index + 1) ?? "")
    }

    /// FROM items: `[ONLY] name [*] [[AS] alias [(columns)]]`, comma-separated
    /// when `list` (after JOIN too: `NATURAL JOIN b, c`). Subqueries and function calls are skipped (a subquery's
    /// own FROM is read when the scan reaches it).
    private mutating func readFromList(at start: Int, list: Bool) {
        var cursor = start
        while true {
            // `(a JOIN b ON …)`: a parenthesized join starts with a table.
            while statement.isSymbol(cursor, "("),
                  !SQLStatementAnalyzer.queryKeywords.contains(statement.word(cursor + 1) ?? "") {
                cursor += 1
            }
            if statement.isWord(cursor, "only") { cursor += 1 }
            guard let name = statement.qualifiedName(at: cursor), !statement.isSymbol(name.end, "("),
                  !Self.clauseWords.contains(statement.word(cursor) ?? "")
            else { return }
            names.append(name.name)
            guard list else { return }
            cursor = name.end
            if statement.isSymbol(cursor, "*") { cursor += 1 }
            if statement.isWord(cursor, "as") {
                cursor += 2
            } else if statement.isIdentifierLike(cursor), !Self.clauseWords.contains(statement.word(cursor) ?? "") {
                cursor += 1
            }
            if let close = statement.closing(cursor) { cursor = close + 1 }
            guard statement.isSymbol(cursor, ",") else { return }
            cursor += 1
        }
    }

    /// `INSERT INTO name`, `MERGE INTO name`, or SELECT's
    /// `INTO [TEMP | TEMPORARY | UNLOGGED] [TABLE] name`.
    private mutating func readInto(at index: Int) {
        var cursor = index + 1
        if !statement.isWord(index - 1, "insert"), !statement.isWord(index - 1, "merge") {
            while let word = statement.word(cursor), ["temp", "temporary", "unlogged", "table"].contains(word) {
                cursor += 1
            }
        }
        readNameList(at: cursor, list: false)
    }

    /// The names after the word TABLE in `ALTER TABLE`, `DROP TABLE`,
    /// `CREATE … TABLE`, `TRUNCATE TABLE`, `LOCK TABLE`, `GRANT … ON TABLE`
    /// and the `TABLE name` query.
    private mutating func readTable(at index: Int, first: String) {
        let previous = statement.word(index - 1)
        let isQuery = index == 0 || statement.isSymbol(index - 1, "(")
            || ["union", "intersect", "except", "all", "distinct"].contains(previous ?? "")
        let afterVerb = index == 1 && ["alter", "drop", "truncate", "lock"].contains(first)
        let afterCreate = first == "create" && index > 0
            && (1..<index).allSatisfy { ["temp", "temporary", "unlogged", "global", "local"].contains(statement.word($0) ?? "") }
        let afterGrant = (first == "grant" || first == "revoke") && previous == "on"
        guard isQuery || afterVerb || afterCreate || afterGrant else { return }
        var cursor = index + 1
        while let word = statement.word(cursor), ["if", "not", "exists"].contains(word) { cursor += 1 }
        readNameList(at: cursor, list: !isQuery && !afterCreate)
    }

    /// `[ONLY] name [*] [, …]`.
    private mutating func readNameList(at start: Int, list: Bool = true) {
        var cursor = start
        while true {
            if statement.isWord(cursor, "only") { cursor += 1 }
            guard let name = statement.qualifiedName(at: cursor) else { return }
            names.append(name.name)
            cursor = name.end
            if statement.isSymbol(cursor, "*") { cursor += 1 }
            guard list, statement.isSymbol(cursor, ",") else { return }
            cursor += 1
        }
    }
}
