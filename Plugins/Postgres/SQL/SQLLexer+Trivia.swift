/// Whitespace and comments: skipped, but decisive for where tokens begin.
extension SQLLexer {
    /// Moves `position` past whitespace, `--` comments and nested `/* */` comments.
    mutating func skipWhitespaceAndComments() throws(SQLLexError) {
        while position < bytes.count {
            let byte = bytes[position]
            if SQLCharacter.isSpace(byte) {
                position += 1
            } else if startsLineComment(at: position) {
                position = lineCommentEnd(from: position)
            } else if startsBlockComment(at: position) {
                guard let end = blockCommentEnd(from: position) else {
                    throw SQLLexError(reason: .unterminatedBlockComment, offset: position)
                }
                position = end
            } else {
                return
            }
        }
    }

    /// The offset after the whitespace and comments starting at `offset`,
    /// without moving; stops before an unterminated comment so that the main
    /// loop reports it.
    func triviaEnd(from offset: Int) -> Int {
        var cursor = offset
        while cursor < bytes.count {
            if SQLCharacter.isSpace(bytes[cursor]) {
                cursor += 1
            } else if startsLineComment(at: cursor) {
                cursor = lineCommentEnd(from: cursor)
            } else if startsBlockComment(at: cursor), let end = blockCommentEnd(from: cursor) {
                cursor = end
            } else {
                break
            }
        }
        return cursor
    }

    /// If a string constant ending just before `offset` is continued (SQL's
    /// `'foo'<newline>'bar'`), the offset of the continuing quote.
    ///
    /// PostgreSQL requires a newline in between and allows only whitespace and
    /// `--` comments (scan.l `quotecontinue`). The continuation keeps the
    /// escaping rules of the first part, so `E'a'<newline>'\''` is one string;
    /// missing this would let text after the quote hide.
    func continuationQuote(from offset: Int) -> Int? {
        var cursor = offset
        var sawNewline = false
        while cursor < bytes.count {
            let byte = bytes[cursor]
            if SQLCharacter.isNewline(byte) {
                sawNewline = true
                cursor += 1
            } else if SQLCharacter.isHorizontalSpace(byte) {
                cursor += 1
            } else if startsLineComment(at: cursor) {
                cursor = lineCommentEnd(from: cursor)
            } else {
                break
            }
        }
        return sawNewline && byte(at: cursor) == SQLCharacter.quote ? cursor : nil
    }

    func startsLineComment(at offset: Int) -> Bool {
        bytes[offset] == UInt8(ascii: "-") && byte(at: offset + 1) == UInt8(ascii: "-")
    }

    func startsBlockComment(at offset: Int) -> Bool {
        bytes[offset] == UInt8(ascii: "/") && byte(at: offset + 1) == UInt8(ascii: "*")
    }

    /// The offset of the newline ending the `--` comment at `offset` (or the end).
    private func lineCommentEnd(from offset: Int) -> Int {
        var cursor = offset + 2
        while cursor < bytes.count, !SQLCharacter.isNewline(bytes[cursor]) { cursor += 1 }
        return cursor
    }

    /// The offset after the `*/` closing the comment at `offset`, counting
    /// nested `/*` as PostgreSQL and the SQL standard do (C does not); nil
    /// when it never closes.
    private func blockCommentEnd(from offset: Int) -> Int? {
        var depth = 0
        var cursor = offset
        while cursor + 1 < bytes.count {
            if bytes[cursor] == UInt8(ascii: "/"), bytes[cursor + 1] == UInt8(ascii: "*") {
                depth += 1
                cursor += 2
            } else if bytes[cursor] == UInt8(ascii: "*"), bytes[cursor + 1] == UInt8(ascii: "/") {
                depth -= 1
                cursor += 2
                if depth == 0 { return cursor }
            } else {
                cursor += 1
            }
        }
        return nil
    }
}
