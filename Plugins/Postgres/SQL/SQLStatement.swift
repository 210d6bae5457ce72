/// The tokens of one statement, or of a statement nested in another, with
/// their parenthesis structure precomputed so every look-up is O(1).
struct SQLStatement: Sendable {
    let tokens: [SQLToken]
    /// For each `(` the index of its `)` and the reverse; nil elsewhere.
    private let partners: [Int?]
    /// The parenthesis depth of each token; a parenthesis has the outer depth.
    let depths: [Int]
    /// Whether every parenthesis is matched.
    let isBalanced: Bool

    init<Tokens: Collection<SQLToken>>(_ tokens: Tokens) {
        let tokens = Array(tokens)
        var partners = [Int?](repeating: nil, count: tokens.count)
        var depths = [Int](repeating: 0, count: tokens.count)
        var open: [Int] = []
        var balanced = true
        for (index, token) in tokens.enumerated() {
            if token.isSymbol("(") {
                depths[index] = open.count
                open.append(index)
            } else if token.isSymbol(")") {
                guard let opening = open.popLast() else {
                    balanced = false
                    continue
                }
                partners[opening] = index
                partners[index] = opening
                depths[index] = open.count
            } else {
                depths[index] = open.count
            }
        }
        self.tokens = tokens
        self.partners = partners
        self.depths = depths
        self.isBalanced = balanced && open.isEmpty
    }

    var count: Int { tokens.count }

    /// The statement made of the tokens in `range`.
    func slice(_ range: Range<Int>) -> SQLStatement {
        SQLStatement(tokens[range])
    }

    /// The lowercased word at `index`, or nil if there is no word there.
    func word(_ index: Int) -> String? {
        guard index >= 0, index < tokens.count, tokens[index].kind == .word else { return nil }
        return tokens[index].value
    }

    func isWord(_ index: Int, _ lowercased: String) -> Bool {
        word(index) == lowercased
    }

    func isSymbol(_ index: Int, _ symbol: String) -> Bool {
        index >= 0 && index < tokens.count && tokens[index].isSymbol(symbol)
    }

    func isIdentifierLike(_ index: Int) -> Bool {
        index >= 0 && index < tokens.count && tokens[index].isIdentifierLike
    }

    /// The index of the `)` matching the `(` at `index`.
    func closing(_ index: Int) -> Int? {
        guard isSymbol(index, "(") else { return nil }
        return partners[index]
    }

    /// The first index from `start` holding one of `words` at the depth of
    /// `start`, stopping where that depth's parentheses close.
    func firstWord(in words: Set<String>, from start: Int) -> Int? {
        guard start < tokens.count else { return nil }
        let depth = depths[start]
        var index = start
        // The enclosing `)` has a lower depth, so the loop ends there.
        while index < tokens.count, depths[index] >= depth {
            if depths[index] == depth, let word = word(index), words.contains(word) { return index }
            index += 1
        }
        return nil
    }

    /// The first index from `start` before `end` holding `symbol` at the
    /// depth of `start`.
    func firstSymbol(_ symbol: String, from start: Int, before end: Int) -> Int? {
        guard start < end else { return nil }
        let depth = depths[start]
        return (start..<end).first { depths[$0] == depth && isSymbol($0, symbol) }
    }

    /// The dotted name (`schema.table`) at `index`: each part lowercased
    /// unless quoted, joined by `.`; and the index after it.
    func qualifiedName(at index: Int) -> (name: String, end: Int)? {
        guard isIdentifierLike(index) else { return nil }
        var parts = [tokens[index].value]
        var end = index + 1
        while isSymbol(end, "."), isIdentifierLike(end + 1) {
            parts.append(tokens[end + 1].value)
            end += 2
        }
        return (parts.joined(separator: "."), end)
    }

    /// The table of an `UPDATE [ONLY] name [*] [[AS] alias] SET` starting at
    /// `index`; nil when no UPDATE statement of that shape starts there.
    func updatedTable(at index: Int) -> String? {
        guard isWord(index, "update") else { return nil }
        var cursor = index + 1
        if isWord(cursor, "only") { cursor += 1 }
        guard let name = qualifiedName(at: cursor) else { return nil }
        cursor = name.end
        if isSymbol(cursor, "*") { cursor += 1 }
        if isWord(cursor, "as") { cursor += 1 }
        if isIdentifierLike(cursor), !isWord(cursor, "set") { cursor += 1 }
        return isWord(cursor, "set") ? name.name : nil
    }
}
