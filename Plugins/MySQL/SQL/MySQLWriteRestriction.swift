import WardenSQLCore

/// The verdict on UPDATE and DELETE: a write, of high risk when nothing
/// restricts it to some rows. LIMIT does not lower it: which rows a LIMIT
/// keeps is up to the server.
///
/// As for PostgreSQL, a WHERE restricts rows only if one of its top-level
/// conjuncts compares a column of the written table with a constant:
/// `id = 7`, `id IN (1, 2)`, `created < NOW() - INTERVAL 1 DAY`, `id = ?`,
/// `id = @v`. `id = id`, `1 = 1`, `x IS NOT NULL`, `id = 1 = 0`, a
/// comparison with NULL, or one ORed with anything restrict nothing anyone
/// can see from the text. With several tables (`UPDATE a JOIN b`, `DELETE
/// a FROM a JOIN b`) every written table needs such a comparison, with
/// its column qualified by its name or alias.
enum MySQLWriteRestriction {
    static func verdict(verb: String, written: [MySQLStatementAnalyzer.TableReference], multiTable: Bool,
                        whereClause: Range<Int>?, in analyzer: MySQLStatementAnalyzer) -> SQLVerdict {
        guard let whereClause else {
            return SQLVerdict(.write, risk: .high, "\(verb) without WHERE affects every row")
        }
        let condition = Array(analyzer.tokens[whereClause])
        let restricted = !written.isEmpty && written.allSatisfy { table in
            var names: Set<String> = []
            if let alias = table.alias {
                names.insert(alias)
            } else {
                names.insert(table.name)
                if let last = table.name.split(separator: ".").last { names.insert(String(last)) }
            }
            return restricts(condition[...], to: names, qualifiedOnly: multiTable)
        }
        if restricted { return SQLVerdict(.write, "\(verb) restricted by WHERE") }
        return SQLVerdict(.write, risk: .high, "\(verb) whose WHERE compares no column with a constant may affect every row")
    }

    /// Whether a top-level conjunct of `condition` compares a column of one
    /// of `tables` (or an unqualified one, unless `qualifiedOnly`) with a constant.
    static func restricts(_ condition: ArraySlice<MySQLToken>, to tables: Set<String>, qualifiedOnly: Bool) -> Bool {
        let tokens = Array(condition)
        let depths = depths(of: tokens)
        // An OR (or XOR) at the top makes the whole condition a disjunction.
        for (index, token) in tokens.enumerated() where depths[index] == 0 {
            if token.isWord("OR") || token.isWord("XOR") || token.isSymbol("||") { return false }
        }
        return conjuncts(tokens, depths).contains { conjunct in
            isComparison(conjunct, tables, qualifiedOnly: qualifiedOnly)
        }
    }

    static func depths(of tokens: [MySQLToken]) -> [Int] {
        var depths: [Int] = []
        var depth = 0
        for token in tokens {
            if token.isSymbol(")") { depth -= 1 }
            depths.append(depth)
            if token.isSymbol("(") { depth += 1 }
        }
        return depths
    }

    /// The top-level operands of AND (`&&`), the AND of a BETWEEN aside.
    private static func conjuncts(_ tokens: [MySQLToken], _ depths: [Int]) -> [[MySQLToken]] {
        var parts: [[MySQLToken]] = [[]]
        var betweenPending = false
        for (index, token) in tokens.enumerated() {
            if depths[index] == 0 {
                if token.isWord("BETWEEN") { betweenPending = true }
                if token.isWord("AND") || token.isSymbol("&&") {
                    if betweenPending {
                        betweenPending = false
                    } else {
                        parts.append([])
                        continue
                    }
                }
            }
            parts[parts.count - 1].append(token)
        }
        return parts
    }

    private static let comparisons: Set<String> = ["=", "<>", "!=", "<", ">", "<=", ">=", "<=>"]

    /// `column OP constant`, `constant OP column`, `column [NOT] IN (constants)`,
    /// `column [NOT] BETWEEN constant AND constant`, `column [NOT] LIKE constant`,
    /// or a parenthesised condition that restricts.
    private static func isComparison(_ tokens: [MySQLToken], _ tables: Set<String>, qualifiedOnly: Bool) -> Bool {
        guard let first = tokens.first else { return false }
        let depths = depths(of: tokens)
        if first.isSymbol("("), depths.indices.dropFirst().allSatisfy({ depths[$0] > 0 || $0 == tokens.count - 1 }),
           tokens.last?.isSymbol(")") == true {
            return restricts(tokens[1..<(tokens.count - 1)], to: tables, qualifiedOnly: qualifiedOnly)
        }
        // column OP constant
        if let columnEnd = column(tokens, from: 0, tables, qualifiedOnly: qualifiedOnly), columnEnd < tokens.count {
            let rest = Array(tokens[(columnEnd + 1)...])
            let operatorToken = tokens[columnEnd]
            if operatorToken.kind == .symbol, comparisons.contains(operatorToken.symbol) {
                return isConstant(rest)
            }
            var index = columnEnd
            if operatorToken.isWord("NOT") { index += 1 }
            guard index < tokens.count else { return false }
            if tokens[index].isWord("IN"), index + 1 < tokens.count, tokens[index + 1].isSymbol("("),
               tokens.last?.isSymbol(")") == true {
                let list = Array(tokens[(index + 2)..<(tokens.count - 1)])
                return !list.isEmpty && isConstant(list)
            }
            if tokens[index].isWord("BETWEEN") {
                let bounds = Array(tokens[(index + 1)...])
                guard let and = bounds.firstIndex(where: { $0.isWord("AND") }) else { return false }
                return isConstant(Array(bounds[..<and])) && isConstant(Array(bounds[(and + 1)...]))
            }
            if tokens[index].isWord("LIKE") {
                var pattern = Array(tokens[(index + 1)...])
                if let escape = pattern.firstIndex(where: { $0.isWord("ESCAPE") }) { pattern = Array(pattern[..<escape]) }
                return isConstant(pattern)
            }
            return false
        }
        // constant OP column
        for (index, token) in tokens.enumerated() where depths[index] == 0 {
            guard token.kind == .symbol, comparisons.contains(token.symbol) else { continue }
            return isConstant(Array(tokens[..<index]))
                && column(tokens, from: index + 1, tables, qualifiedOnly: qualifiedOnly) == tokens.count
        }
        return false
    }

    /// The index after a column reference at `start`: `c`, `t.c`, `db.t.c`,
    /// qualified by one of `tables` (or unqualified unless `qualifiedOnly`).
    private static func column(_ tokens: [MySQLToken], from start: Int, _ tables: Set<String>,
                               qualifiedOnly: Bool) -> Int? {
        var parts: [String] = []
        var index = start
        while index < tokens.count, tokens[index].isName, let name = tokens[index].name {
            if tokens[index].kind == .word, notColumns.contains(tokens[index].keyword) { return nil }
            parts.append(name)
            index += 1
            guard index + 1 < tokens.count, tokens[index].isSymbol(".") else { break }
            index += 1
        }
        guard !parts.isEmpty, index == tokens.count || !tokens[index].isSymbol("(") else { return nil }
        if parts.count == 1 { return qualifiedOnly ? nil : index }
        let qualifier = parts.dropLast()
        return tables.contains(qualifier.joined(separator: ".")) || tables.contains(qualifier.last ?? "") ? index : nil
    }

    /// Keywords that are not column names where a column would stand.
    private static let notColumns: Set<String> = [
        "NOT", "NULL", "TRUE", "FALSE", "EXISTS", "CASE", "INTERVAL", "BINARY", "DEFAULT", "ROW", "SELECT",
    ]

    /// Words that may appear in a constant expression.
    private static let constantWords: Set<String> = [
        "INTERVAL", "DIV", "MOD", "TRUE", "FALSE", "MICROSECOND", "SECOND", "MINUTE", "HOUR", "DAY", "WEEK", "MONTH",
        "QUARTER", "YEAR", "SECOND_MICROSECOND", "MINUTE_MICROSECOND", "MINUTE_SECOND", "HOUR_MICROSECOND",
        "HOUR_SECOND", "HOUR_MINUTE", "DAY_MICROSECOND", "DAY_SECOND", "DAY_MINUTE", "DAY_HOUR", "YEAR_MONTH",
        "CURRENT_DATE", "CURRENT_TIME", "CURRENT_TIMESTAMP", "LOCALTIME", "LOCALTIMESTAMP", "UTC_DATE", "UTC_TIME",
        "UTC_TIMESTAMP", "CURRENT_USER", "DATE", "TIME", "TIMESTAMP", "AS", "CHAR", "SIGNED", "UNSIGNED", "DECIMAL",
        "DATETIME", "INTEGER",
    ]

    private static let constantSymbols: Set<String> = [
        "+", "-", "*", "/", "%", "(", ")", ",", "|", "&", "^", "~", "<<", ">>", "?",
    ]

    /// An expression that refers to no row: literals, placeholders, user
    /// and system variables, arithmetic, and calls over them. NULL is not
    /// one: a comparison with NULL holds for every row or none.
    private static func isConstant(_ tokens: [MySQLToken]) -> Bool {
        guard !tokens.isEmpty else { return false }
        for (index, token) in tokens.enumerated() {
            switch token.kind {
            case .string, .nationalString, .hexLiteral, .bitLiteral, .number, .userVariable:
                continue
            case .systemVariableMarker:
                continue
            case .symbol:
                if token.isSymbol("."), index > 0, tokens[index - 1].kind == .systemVariableMarker || (index > 1 && tokens[index - 2].kind == .systemVariableMarker) {
                    continue
                }
                guard constantSymbols.contains(token.symbol) else { return false }
            case .word:
                let word = token.keyword
                // A function's name, a `_charset` introducer, a system variable's name.
                if index + 1 < tokens.count, tokens[index + 1].isSymbol("(") { continue }
                if token.value.first == UInt8(ascii: "_"), index + 1 < tokens.count, tokens[index + 1].kind == .string { continue }
                if index > 0, tokens[index - 1].kind == .systemVariableMarker || tokens[index - 1].isSymbol(".")
                    && index > 1 && tokens[index - 2].kind == .word
                    && ["GLOBAL", "SESSION", "LOCAL"].contains(tokens[index - 2].keyword) {
                    continue
                }
                guard constantWords.contains(word) else { return false }
            case .quotedName, .nullEscape, .semicolon:
                return false
            }
        }
        return true
    }
}
