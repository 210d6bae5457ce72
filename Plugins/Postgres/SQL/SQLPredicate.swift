/// Decides whether a WHERE (or ON) condition can restrict a statement to
/// some rows, to tell `DELETE … WHERE id = 1` from `DELETE … WHERE 1 = 1`.
enum SQLPredicate {
    /// Words that can appear in a condition without referring to a row.
    private static let constantWords: Set<String> = [
        "true", "false", "null", "unknown", "and", "not", "is", "isnull", "notnull", "distinct", "from",
        "between", "symmetric", "in", "like", "ilike", "similar", "to", "escape",
    ]

    /// Beyond this many nested ORs in parentheses, give up and say yes (the
    /// riskier answer) instead of recursing further.
    private static let maximumDepth = 32

    /// Whether the condition in `range` refers to no row at all (only
    /// constants and parameters), or has such an OR branch: then it does
    /// not restrict the statement to some rows. An empty condition counts
    /// as unrestricted.
    ///
    /// Best effort: `id = id` or `now() > '2000-01-01'` still count as
    /// restricting, because telling them apart needs the schema.
    static func isRowIndependent(_ statement: SQLStatement, _ range: Range<Int>, depth: Int = 0) -> Bool {
        guard depth < maximumDepth else { return true }
        var range = range
        while !range.isEmpty, statement.closing(range.lowerBound) == range.upperBound - 1 {
            range = range.lowerBound + 1..<range.upperBound - 1
        }
        guard !range.isEmpty else { return true }
        let level = statement.depths[range.lowerBound]
        var branches: [Range<Int>] = []
        var branchStart = range.lowerBound
        for index in range where statement.depths[index] == level && statement.isWord(index, "or") {
            branches.append(branchStart..<index)
            branchStart = index + 1
        }
        if !branches.isEmpty {
            branches.append(branchStart..<range.upperBound)
            return branches.contains { isRowIndependent(statement, $0, depth: depth + 1) }
        }
        return range.allSatisfy { isConstant(statement, at: $0) }
    }

    private static func isConstant(_ statement: SQLStatement, at index: Int) -> Bool {
        let token = statement.tokens[index]
        switch token.kind {
        case .number, .string, .parameter, .operator:
            return true
        case .punctuation:
            // A `.` only appears in qualified column names.
            return token.text != "."
        case .word:
            // A word right after `::` is a type name.
            return constantWords.contains(token.value) || statement.isSymbol(index - 1, "::")
        case .quotedIdentifier, .other:
            return false
        }
    }
}
