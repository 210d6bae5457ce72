/// A `WITH` clause: its common table expressions and where the statement
/// they belong to starts.
///
/// `WITH [RECURSIVE] name [(columns)] AS [[NOT] MATERIALIZED] (body)
///  [SEARCH … SET col] [CYCLE … USING col] [, …] main-statement`
struct SQLWithClause: Equatable, Sendable {
    /// The names the expressions define (lowercased unless quoted).
    var names: [String]
    /// Token ranges of the bodies, without their parentheses.
    var bodies: [Range<Int>]
    /// The index of the main statement's first token.
    var mainStart: Int

    /// Parses the clause whose `WITH` is at `index`; nil when it is not a
    /// well-formed WITH clause (the caller then treats it as unknown).
    init?(_ statement: SQLStatement, at index: Int) {
        guard statement.isWord(index, "with") else { return nil }
        var cursor = index + 1
        if statement.isWord(cursor, "recursive") { cursor += 1 }
        var names: [String] = []
        var bodies: [Range<Int>] = []
        while true {
            guard statement.isIdentifierLike(cursor) else { return nil }
            names.append(statement.tokens[cursor].value)
            cursor += 1
            if let columnsEnd = statement.closing(cursor) { cursor = columnsEnd + 1 }
            guard statement.isWord(cursor, "as") else { return nil }
            cursor += 1
            if statement.isWord(cursor, "not") {
                guard statement.isWord(cursor + 1, "materialized") else { return nil }
                cursor += 2
            } else if statement.isWord(cursor, "materialized") {
                cursor += 1
            }
            guard let bodyEnd = statement.closing(cursor) else { return nil }
            bodies.append(cursor + 1..<bodyEnd)
            cursor = bodyEnd + 1
            if statement.isWord(cursor, "search") {
                guard let end = Self.searchClauseEnd(statement, at: cursor) else { return nil }
                cursor = end
            }
            if statement.isWord(cursor, "cycle") {
                guard let end = Self.cycleClauseEnd(statement, at: cursor) else { return nil }
                cursor = end
            }
            guard statement.isSymbol(cursor, ",") else { break }
            cursor += 1
        }
        self.names = names
        self.bodies = bodies
        self.mainStart = cursor
    }

    // SEARCH and CYCLE are parsed token by token rather than by looking
    // ahead for SET or USING: a lookahead that fails scans to the end, and
    // many malformed clauses would make that quadratic.

    /// The index after `SEARCH {BREADTH | DEPTH} FIRST BY col [, …] SET col`.
    private static func searchClauseEnd(_ statement: SQLStatement, at index: Int) -> Int? {
        guard statement.isWord(index + 1, "breadth") || statement.isWord(index + 1, "depth"),
              statement.isWord(index + 2, "first"), statement.isWord(index + 3, "by"),
              let set = columnListEnd(statement, at: index + 4), statement.isWord(set, "set"),
              statement.isIdentifierLike(set + 1)
        else { return nil }
        return set + 2
    }

    /// The index after `CYCLE col [, …] SET col [TO value DEFAULT value] USING col`.
    private static func cycleClauseEnd(_ statement: SQLStatement, at index: Int) -> Int? {
        guard let set = columnListEnd(statement, at: index + 1), statement.isWord(set, "set"),
              statement.isIdentifierLike(set + 1)
        else { return nil }
        var cursor = set + 2
        if statement.isWord(cursor, "to") {
            // The two values are constants: a few tokens at most.
            let limit = min(cursor + 16, statement.count)
            guard let using = (cursor..<limit).first(where: { statement.isWord($0, "using") }) else { return nil }
            cursor = using
        }
        guard statement.isWord(cursor, "using"), statement.isIdentifierLike(cursor + 1) else { return nil }
        return cursor + 2
    }

    /// The index after `col [, col …]`.
    private static func columnListEnd(_ statement: SQLStatement, at index: Int) -> Int? {
        var cursor = index
        while true {
            guard statement.isIdentifierLike(cursor) else { return nil }
            cursor += 1
            guard statement.isSymbol(cursor, ",") else { return cursor }
            cursor += 1
        }
    }
}
