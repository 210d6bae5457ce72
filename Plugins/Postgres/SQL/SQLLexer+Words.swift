/// Words, numbers, parameters and operators.
extension SQLLexer {
    /// A word, or a literal introduced by a one-letter prefix: `E'…'`,
    /// `B'…'`, `X'…'`, `N'…'`, `U&'…'`, `U&"…"`.
    ///
    /// A prefix counts only at the start of a word: `abcE'x'` is the
    /// identifier `abce` followed by a string, as with flex's longest match.
    mutating func lexWordOrPrefixedLiteral() throws(SQLLexError) {
        let start = position
        let lower = bytes[start] | 0x20
        if byte(at: start + 1) == SQLCharacter.quote {
            switch lower {
            case UInt8(ascii: "e"): return try lexQuotedString(start: start, prefixLength: 1, style: .escape)
            case UInt8(ascii: "b"): return try lexQuotedString(start: start, prefixLength: 1, style: .bit)
            case UInt8(ascii: "x"): return try lexQuotedString(start: start, prefixLength: 1, style: .hex)
            case UInt8(ascii: "n"): return try lexQuotedString(start: start, prefixLength: 1, style: .national)
            default: break
            }
        }
        if lower == UInt8(ascii: "u"), byte(at: start + 1) == UInt8(ascii: "&") {
            if byte(at: start + 2) == SQLCharacter.quote {
                guard standardConformingStrings else {
                    throw SQLLexError(reason: .unicodeStringWithoutStandardStrings, offset: start)
                }
                return try lexQuotedString(start: start, prefixLength: 2, style: .unicode)
            }
            if byte(at: start + 2) == SQLCharacter.doubleQuote {
                return try lexQuotedIdentifier(start: start, prefixLength: 2)
            }
        }
        var end = start + 1
        while end < bytes.count, SQLCharacter.isIdentifierContinue(bytes[end]) { end += 1 }
        emit(.word, start..<end, value: SQLCharacter.lowercased(bytes[start..<end]))
    }

    /// A numeric constant: decimal with optional fraction and exponent, or a
    /// `0x` / `0o` / `0b` integer, with `_` digit separators (PostgreSQL 16).
    mutating func lexNumber() {
        let start = position
        var end = start
        if bytes[start] == UInt8(ascii: "0"), let radix = byte(at: start + 1).map({ $0 | 0x20 }),
           radix == UInt8(ascii: "x") || radix == UInt8(ascii: "o") || radix == UInt8(ascii: "b"),
           byte(at: start + 2).map(SQLCharacter.isHexDigit) == true {
            end = start + 2
            while end < bytes.count, SQLCharacter.isHexDigit(bytes[end]) || bytes[end] == UInt8(ascii: "_") {
                end += 1
            }
            return emit(.number, start..<end)
        }
        end = digitsEnd(from: end)
        // A second dot makes `1..5` (a range in PL/pgSQL), not a fraction.
        if byte(at: end) == UInt8(ascii: "."), byte(at: end + 1) != UInt8(ascii: ".") {
            end = digitsEnd(from: end + 1)
        }
        if let e = byte(at: end), e | 0x20 == UInt8(ascii: "e") {
            var exponent = end + 1
            if let sign = byte(at: exponent), sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
                exponent += 1
            }
            if byte(at: exponent).map(SQLCharacter.isDigit) == true {
                end = digitsEnd(from: exponent)
            }
        }
        emit(.number, start..<end)
    }

    private func digitsEnd(from offset: Int) -> Int {
        var end = offset
        while end < bytes.count, SQLCharacter.isDigit(bytes[end]) || bytes[end] == UInt8(ascii: "_") {
            end += 1
        }
        return end
    }

    /// `$1` (a parameter), `$tag$…$tag$` (a dollar-quoted string) or a lone `$`.
    mutating func lexDollar() throws(SQLLexError) {
        let start = position
        var end = start + 1
        if byte(at: end).map(SQLCharacter.isDigit) == true {
            while end < bytes.count, SQLCharacter.isDigit(bytes[end]) { end += 1 }
            return emit(.parameter, start..<end)
        }
        if let first = byte(at: end), SQLCharacter.isIdentifierStart(first) {
            while end < bytes.count, SQLCharacter.isDollarTagContinue(bytes[end]) { end += 1 }
        }
        guard byte(at: end) == SQLCharacter.dollar else {
            // scan.l's `dolqfailed`: the `$` stands alone (a syntax error later).
            return emit(.other, start..<start + 1)
        }
        try lexDollarQuoted(start: start, delimiter: start..<end + 1)
    }

    /// An operator: the longest run of operator characters, cut before any
    /// `--` or `/*` inside it (those start comments), and without a trailing
    /// `+`/`-` unless it also has a character SQL operators never use, so
    /// that `a=-1` is `a`, `=`, `-`, `1` (scan.l's `{operator}` rule).
    mutating func lexOperator() {
        let start = position
        var end = start
        while end < bytes.count, SQLCharacter.isOperator(bytes[end]) {
            if end > start, startsLineComment(at: end) || startsBlockComment(at: end) { break }
            end += 1
        }
        if end - start > 1, bytes[end - 1] == UInt8(ascii: "+") || bytes[end - 1] == UInt8(ascii: "-"),
           !bytes[start..<end - 1].contains(where: SQLCharacter.isNonSQLOperator) {
            repeat {
                end -= 1
            } while end - start > 1 && (bytes[end - 1] == UInt8(ascii: "+") || bytes[end - 1] == UInt8(ascii: "-"))
        }
        emit(.operator, start..<end)
    }
}
