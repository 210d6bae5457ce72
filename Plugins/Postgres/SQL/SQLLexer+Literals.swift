/// Quoted literals: strings, quoted identifiers and dollar quotes. Their ends
/// decide what is data and what is SQL, so they follow scan.l exactly.
extension SQLLexer {
    /// A `'…'` string starting at `start`, after a prefix of `prefixLength`
    /// bytes (`E`, `U&`, …), including continuations on following lines and,
    /// for `U&'…'`, a `UESCAPE` clause.
    mutating func lexQuotedString(start: Int, prefixLength: Int, style: SQLStringStyle) throws(SQLLexError) {
        // With standard_conforming_strings off, PostgreSQL lexes '…' like E'…'.
        let backslashEscapes = style == .escape
            || (!standardConformingStrings && (style == .standard || style == .national))
        // Bit strings have no escapes: in B'1''0' the second quote ends it.
        let doubledQuotes = style != .bit && style != .hex
        var contents: [Range<Int>] = []
        var texts: [String] = []
        var partStart = start
        var cursor = start + prefixLength + 1
        while true {
            let contentStart = cursor
            while true {
                guard cursor < bytes.count else {
                    throw SQLLexError(reason: .unterminatedString, offset: start)
                }
                let byte = bytes[cursor]
                if byte == SQLCharacter.backslash, backslashEscapes {
                    cursor += 2
                } else if byte == SQLCharacter.quote {
                    guard doubledQuotes, self.byte(at: cursor + 1) == SQLCharacter.quote else { break }
                    cursor += 2
                } else {
                    cursor += 1
                }
            }
            contents.append(contentStart..<cursor)
            cursor += 1
            texts.append(text(partStart..<cursor))
            guard let next = continuationQuote(from: cursor) else { break }
            partStart = next
            cursor = next + 1
        }
        var end = cursor
        var escape = SQLCharacter.backslash
        if style == .unicode, let clause = try unicodeEscapeClause(after: end) {
            escape = clause.escape
            texts += clause.texts
            end = clause.end
        }
        let value = try decodeString(contents, style: style, backslashEscapes: backslashEscapes, escape: escape, start: start)
        emit(.string(style), start..<end, value: value, text: texts.joined(separator: " "))
    }

    private func decodeString(
        _ contents: [Range<Int>], style: SQLStringStyle, backslashEscapes: Bool, escape: UInt8, start: Int
    ) throws(SQLLexError) -> String {
        var value = ""
        for content in contents {
            let part: String?
            if style == .unicode {
                part = SQLEscapeDecoder.unicodeEscapes(bytes[content], quote: SQLCharacter.quote, escape: escape)
            } else if backslashEscapes {
                part = SQLEscapeDecoder.backslashEscapes(bytes[content])
            } else {
                part = SQLEscapeDecoder.undoubled(bytes[content], quote: SQLCharacter.quote)
            }
            guard let part else { throw SQLLexError(reason: .invalidUnicodeEscape, offset: start) }
            value += part
        }
        return value
    }

    /// A `"…"` identifier starting at `start` (after `U&` when `prefixLength` is 2).
    mutating func lexQuotedIdentifier(start: Int, prefixLength: Int) throws(SQLLexError) {
        var cursor = start + prefixLength + 1
        let contentStart = cursor
        while true {
            guard cursor < bytes.count else {
                throw SQLLexError(reason: .unterminatedQuotedIdentifier, offset: start)
            }
            if bytes[cursor] == SQLCharacter.doubleQuote {
                guard byte(at: cursor + 1) == SQLCharacter.doubleQuote else { break }
                cursor += 2
            } else {
                cursor += 1
            }
        }
        let content = contentStart..<cursor
        cursor += 1
        guard !content.isEmpty else { throw SQLLexError(reason: .zeroLengthIdentifier, offset: start) }
        var end = cursor
        var texts = [text(start..<cursor)]
        let value: String?
        if prefixLength == 2 {
            var escape = SQLCharacter.backslash
            if let clause = try unicodeEscapeClause(after: end) {
                escape = clause.escape
                texts += clause.texts
                end = clause.end
            }
            value = SQLEscapeDecoder.unicodeEscapes(bytes[content], quote: SQLCharacter.doubleQuote, escape: escape)
        } else {
            value = SQLEscapeDecoder.undoubled(bytes[content], quote: SQLCharacter.doubleQuote)
        }
        guard let value else { throw SQLLexError(reason: .invalidUnicodeEscape, offset: start) }
        emit(.quotedIdentifier, start..<end, value: value, text: texts.joined(separator: " "))
    }

    /// A `UESCAPE 'c'` clause after a `U&` literal ending at `offset`, which
    /// becomes part of that literal's token: otherwise a function name written
    /// `U&"…" UESCAPE '!'` would not be followed by its `(`.
    private func unicodeEscapeClause(after offset: Int) throws(SQLLexError) -> (escape: UInt8, texts: [String], end: Int)? {
        let keyword = triviaEnd(from: offset)
        guard keyword + 7 <= bytes.count,
              SQLCharacter.lowercased(bytes[keyword..<keyword + 7]) == "uescape",
              byte(at: keyword + 7).map(SQLCharacter.isIdentifierContinue) != true
        else { return nil }
        let literal = triviaEnd(from: keyword + 7)
        // PostgreSQL wants exactly one character that cannot be confused
        // with the hexadecimal digits, `+`, quotes or whitespace.
        guard byte(at: literal) == SQLCharacter.quote, let escape = byte(at: literal + 1),
              byte(at: literal + 2) == SQLCharacter.quote, byte(at: literal + 3) != SQLCharacter.quote,
              escape < 0x80, !SQLCharacter.isHexDigit(escape), !SQLCharacter.isSpace(escape),
              escape != UInt8(ascii: "+"), escape != SQLCharacter.quote, escape != SQLCharacter.doubleQuote
        else { throw SQLLexError(reason: .invalidUnicodeEscape, offset: keyword) }
        return (escape, [text(keyword..<keyword + 7), text(literal..<literal + 3)], literal + 3)
    }

    /// A dollar-quoted string whose opening `$tag$` is `delimiter`. It ends at
    /// the first exact (case-sensitive) repetition of the delimiter.
    mutating func lexDollarQuoted(start: Int, delimiter: Range<Int>) throws(SQLLexError) {
        let tag = bytes[delimiter]
        var cursor = delimiter.upperBound
        // Only a `$` can start the closing delimiter, and a tag holds no `$`,
        // so each comparison stops by the next `$`: the search stays linear.
        while cursor + tag.count <= bytes.count {
            if bytes[cursor] == SQLCharacter.dollar, bytes[cursor..<cursor + tag.count].elementsEqual(tag) {
                let end = cursor + tag.count
                return emit(.string(.dollar), start..<end, value: text(delimiter.upperBound..<cursor))
            }
            cursor += 1
        }
        throw SQLLexError(reason: .unterminatedDollarQuote, offset: start)
    }
}
