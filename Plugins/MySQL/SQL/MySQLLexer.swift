/// Cuts a statement text into tokens exactly where MariaDB 10.11's lexer
/// (`Lex_input_stream::lex_one_token`) cuts it, for a utf8mb4 connection:
/// whitespace is the six ASCII spaces only (U+00A0 is part of a name),
/// `--` starts a comment only before a space or a control character, `#`
/// comments end at a line feed, backslashes escape in strings unless
/// NO_BACKSLASH_ESCAPES, `"` quotes names under ANSI_QUOTES and `[`…`]`
/// under MSSQL.
///
/// Executable comments (`/*! … */`, `/*!50000 … */`, `/*M! … */`,
/// `/*M!100100 … */`) are read as code whatever their version: reading more
/// than the server fails closed. The one place where that could read less
/// is where the comment ends: a server that skips a versioned comment ends
/// it at the first `*/`, one that runs it ends it at the first `*/` outside
/// a string. Where the two differ, or a `;` ends a statement inside one,
/// the text is refused.
struct MySQLLexer {
    /// Why the text cannot be classified as the server reads it.
    enum Problem: Equatable, Sendable {
        /// The server would reject the text, but where it stops reading is
        /// in doubt: nothing in it is trusted (unknown, critical).
        case unreadable(String)
        /// The text is written so that servers of different versions would
        /// run different statements: refused whatever the rules say.
        case refused(String)
    }

    let text: [UInt8]
    let syntax: MySQLSyntax
    private var position = 0
    private var tokens: [MySQLToken] = []
    private var problem: Problem?
    private var spaced = false
    private var inExecutableComment = false
    /// Where a server that skips the open versioned comment would end it.
    private var skippedCommentEnd: Int?
    /// The previous token was a word immediately followed by `.`: the next
    /// one is a name even if it starts with digits (`t.1e5`).
    private var nameAfterDot = false

    /// The tokens of `text`, or the reason it cannot be read.
    static func tokenize(_ text: [UInt8], syntax: MySQLSyntax) -> (tokens: [MySQLToken], problem: Problem?) {
        var lexer = MySQLLexer(text: text, syntax: syntax)
        lexer.run()
        return (lexer.tokens, lexer.problem)
    }

    private init(text: [UInt8], syntax: MySQLSyntax) {
        self.text = text
        self.syntax = syntax
    }

    private func byte(_ offset: Int) -> UInt8 {
        position + offset < text.count ? text[position + offset] : 0
    }

    private mutating func fail(_ problem: Problem) {
        if self.problem == nil { self.problem = problem }
    }

    private mutating func emit(_ kind: MySQLToken.Kind, _ value: [UInt8], from start: Int) {
        tokens.append(MySQLToken(
            kind: kind, value: value, start: start, end: position, spaced: spaced,
            executableComment: inExecutableComment))
        spaced = false
    }

    private mutating func run() {
        while position < text.count, problem == nil {
            let c = text[position]
            if Self.isSpace(c) {
                position += 1
                spaced = true
                continue
            }
            let afterDot = nameAfterDot
            nameAfterDot = false
            if afterDot, Self.isNameByte(c) || Self.isDigit(c) {
                word()
                continue
            }
            switch c {
            case 0:
                fail(.unreadable("a NUL byte outside a string ends the text for the server"))
            case UInt8(ascii: "#"):
                lineComment()
            case UInt8(ascii: "-") where byte(1) == UInt8(ascii: "-")
                && (position + 2 >= text.count || Self.isSpace(byte(2)) || Self.isControl(byte(2))):
                lineComment()
            case UInt8(ascii: "/") where byte(1) == UInt8(ascii: "*"):
                blockComment()
            case UInt8(ascii: "*") where byte(1) == UInt8(ascii: "/") && inExecutableComment:
                closeExecutableComment()
            case UInt8(ascii: "'"):
                string(quote: c, kind: .string, skip: 1)
            case UInt8(ascii: "\""):
                if syntax.ansiQuotes { quotedName(close: c) } else { string(quote: c, kind: .string, skip: 1) }
            case UInt8(ascii: "`"):
                quotedName(close: c)
            case UInt8(ascii: "[") where syntax.bracketQuotes:
                quotedName(close: UInt8(ascii: "]"))
            case UInt8(ascii: "@"):
                variable()
            case UInt8(ascii: ";"):
                let start = position
                position += 1
                emit(.semicolon, [c], from: start)
                if inExecutableComment {
                    fail(.refused("a statement ends inside an executable comment (/*! … */), which servers of other versions skip whole"))
                }
            case UInt8(ascii: "."):
                if Self.isDigit(byte(1)) { number() } else { symbol() }
            case UInt8(ascii: "\\") where byte(1) == UInt8(ascii: "N"):
                let start = position
                position += 2
                emit(.nullEscape, Array(text[start..<position]), from: start)
            case UInt8(ascii: "n"), UInt8(ascii: "N"):
                if byte(1) == UInt8(ascii: "'") { string(quote: byte(1), kind: .nationalString, skip: 2) } else { word() }
            case UInt8(ascii: "x"), UInt8(ascii: "X"):
                if byte(1) == UInt8(ascii: "'") { quotedDigits(kind: .hexLiteral, isDigit: Self.isHexDigit) } else { word() }
            case UInt8(ascii: "b"), UInt8(ascii: "B"):
                if byte(1) == UInt8(ascii: "'") { quotedDigits(kind: .bitLiteral, isDigit: { (c: UInt8) -> Bool in c == 0x30 || c == 0x31 }) } else { word() }
            case _ where Self.isDigit(c):
                number()
            case _ where Self.isNameByte(c):
                word()
            default:
                symbol()
            }
        }
        if problem == nil, inExecutableComment {
            fail(.unreadable("an executable comment (/*! … */) is not closed"))
        }
    }

    // MARK: Comments

    /// `# …` and `-- …` up to a line feed (a carriage return does not end them).
    private mutating func lineComment() {
        while position < text.count, text[position] != UInt8(ascii: "\n") {
            if text[position] == 0 {
                return fail(.unreadable("a NUL byte in a comment ends the text for the server"))
            }
            position += 1
        }
        spaced = true
    }

    private mutating func blockComment() {
        let executable = byte(2) == UInt8(ascii: "!") || (byte(2) == UInt8(ascii: "M") && byte(3) == UInt8(ascii: "!"))
        guard executable else {
            // A plain comment ends at the first `*/`; comments do not nest.
            guard let end = Self.commentEnd(in: text, from: position + 2, nesting: false) else {
                return fail(.unreadable("a comment (/* … */) is not closed"))
            }
            position = end
            spaced = true
            return
        }
        if inExecutableComment {
            return fail(.refused("an executable comment (/*! … */) inside another ends where servers disagree"))
        }
        let mariaDBOnly = byte(2) == UInt8(ascii: "M")
        let markerEnd = position + (mariaDBOnly ? 4 : 3)
        // `/*!` and `/*M!` take a version of exactly 5 or 6 digits.
        var digits = 0
        while digits < 6, markerEnd + digits < text.count, Self.isDigit(text[markerEnd + digits]) { digits += 1 }
        let versioned = digits >= 5
        if versioned || mariaDBOnly {
            // A server that skips the comment (an older one, MySQL for
            // `/*M!`, MariaDB for MySQL 5.7+ versions) ends it at the first
            // `*/`, after at most one nested plain comment.
            skippedCommentEnd = Self.commentEnd(in: text, from: markerEnd, nesting: true) ?? -1
        } else {
            skippedCommentEnd = nil
        }
        position = markerEnd + (versioned ? digits : 0)
        inExecutableComment = true
        spaced = true
    }

    private mutating func closeExecutableComment() {
        position += 2
        if let skipped = skippedCommentEnd, skipped != position {
            fail(.refused("an executable comment (/*! … */) ends in a different place for a server that skips it: a quote or a comment inside it hides its end"))
        }
        inExecutableComment = false
        skippedCommentEnd = nil
        spaced = true
    }

    /// The position after the `*/` that ends a comment whose text starts at
    /// `start`, as MariaDB's `consume_comment` finds it; with `nesting`, one
    /// level of `/* … */` inside is skipped first.
    static func commentEnd(in text: [UInt8], from start: Int, nesting: Bool) -> Int? {
        var index = start
        while index < text.count {
            let c = text[index]
            if nesting, c == UInt8(ascii: "/"), index + 1 < text.count, text[index + 1] == UInt8(ascii: "*") {
                guard let inner = commentEnd(in: text, from: index + 2, nesting: false) else { return nil }
                index = inner
                continue
            }
            if c == UInt8(ascii: "*"), index + 1 < text.count, text[index + 1] == UInt8(ascii: "/") {
                return index + 2
            }
            index += 1
        }
        return nil
    }

    // MARK: Literals and names

    /// A string in `quote`s from `position + skip - 1`: `''` stands for one
    /// quote, `\` escapes the next byte unless NO_BACKSLASH_ESCAPES, and a
    /// valid multibyte character is skipped whole (in utf8mb4 none of its
    /// bytes can be a quote or a backslash).
    private mutating func string(quote: UInt8, kind: MySQLToken.Kind, skip: Int) {
        let start = position
        var index = position + skip
        var value: [UInt8] = []
        while index < text.count {
            let c = text[index]
            if c >= 0x80, let length = Self.utf8Length(text, at: index), length > 1 {
                value.append(contentsOf: text[index..<(index + length)])
                index += length
                continue
            }
            if c == UInt8(ascii: "\\"), !syntax.noBackslashEscapes {
                guard index + 1 < text.count else { break }
                value.append(contentsOf: Self.unescape(text[index + 1]))
                index += 2
                continue
            }
            if c == quote {
                if index + 1 < text.count, text[index + 1] == quote {
                    value.append(quote)
                    index += 2
                    continue
                }
                position = index + 1
                emit(kind, value, from: start)
                return
            }
            value.append(c)
            index += 1
        }
        fail(.unreadable("a string (\(Character(Unicode.Scalar(quote)))…) is not closed"))
    }

    /// What `\c` stands for in a string (`my_unescape`): `\_` and `\%`
    /// keep their backslash for LIKE.
    static func unescape(_ c: UInt8) -> [UInt8] {
        switch c {
        case UInt8(ascii: "n"): [0x0A]
        case UInt8(ascii: "t"): [0x09]
        case UInt8(ascii: "r"): [0x0D]
        case UInt8(ascii: "b"): [0x08]
        case UInt8(ascii: "0"): [0x00]
        case UInt8(ascii: "Z"): [0x1A]
        case UInt8(ascii: "_"), UInt8(ascii: "%"): [UInt8(ascii: "\\"), c]
        default: [c]
        }
    }

    /// A quoted name up to `close`, a doubled `close` standing for one.
    /// The server ends a quoted name at a NUL byte, so one is refused.
    private mutating func quotedName(close: UInt8) {
        let start = position
        var index = position + 1
        var value: [UInt8] = []
        while index < text.count {
            let c = text[index]
            if c == 0 { return fail(.unreadable("a NUL byte inside a quoted name ends the text for the server")) }
            if c == close {
                if index + 1 < text.count, text[index + 1] == close {
                    value.append(close)
                    index += 2
                    continue
                }
                position = index + 1
                emit(.quotedName, value, from: start)
                return
            }
            value.append(c)
            index += 1
        }
        fail(.unreadable("a quoted name (\(Character(Unicode.Scalar(text[start])))…) is not closed"))
    }

    /// `X'…'` and `B'…'`: only digits of the kind, then the closing quote.
    private mutating func quotedDigits(kind: MySQLToken.Kind, isDigit: (UInt8) -> Bool) {
        let start = position
        var index = position + 2
        while index < text.count, isDigit(text[index]) { index += 1 }
        guard index < text.count, text[index] == UInt8(ascii: "'") else {
            return fail(.unreadable("a hexadecimal or bit literal holds other characters or is not closed"))
        }
        if kind == .hexLiteral, (index - start - 2) % 2 != 0 {
            return fail(.unreadable("a hexadecimal literal X'…' has an odd number of digits"))
        }
        position = index + 1
        emit(kind, Array(text[(start + 2)..<index]), from: start)
    }

    /// A name or keyword: letters, digits, `_`, `$` and valid multibyte
    /// characters. An invalid byte sequence is a character the server
    /// cannot place in any token.
    private mutating func word() {
        let start = position
        while position < text.count {
            let c = text[position]
            if c >= 0x80 {
                guard let length = Self.utf8Length(text, at: position) else {
                    position = start
                    return fail(.unreadable("bytes that are not UTF-8 outside a string"))
                }
                position += length
            } else if Self.isNameByte(c) || Self.isDigit(c) {
                position += 1
            } else {
                break
            }
        }
        emit(.word, Array(text[start..<position]), from: start)
        if byte(0) == UInt8(ascii: "."), Self.isNameByte(byte(1)) || Self.isDigit(byte(1)) {
            nameAfterDot = true
        }
    }

    /// Numbers, `0x…` and `0b…`; digits followed by letters are a name
    /// (`1abc`, `0xZZ`), except an exponent (`1e5`, `1E+5`).
    private mutating func number() {
        let start = position
        if text[position] == UInt8(ascii: "0"), byte(1) == UInt8(ascii: "x") || byte(1) == UInt8(ascii: "b") {
            let hex = byte(1) == UInt8(ascii: "x")
            let isDigit: (UInt8) -> Bool = hex ? { Self.isHexDigit($0) } : { (c: UInt8) -> Bool in c == 0x30 || c == 0x31 }
            var index = position + 2
            while index < text.count, isDigit(text[index]) { index += 1 }
            let next = index < text.count ? text[index] : 0
            if index > position + 2, !(Self.isNameByte(next) || Self.isDigit(next)) {
                position = index
                emit(text[start + 1] == UInt8(ascii: "x") ? .hexLiteral : .bitLiteral, Array(text[(start + 2)..<index]), from: start)
                return
            }
            return word()
        }
        var index = position
        while index < text.count, Self.isDigit(text[index]) { index += 1 }
        let next = index < text.count ? text[index] : 0
        if index > position, next == UInt8(ascii: "e") || next == UInt8(ascii: "E") {
            var exponent = index + 1
            if exponent < text.count, text[exponent] == UInt8(ascii: "+") || text[exponent] == UInt8(ascii: "-") { exponent += 1 }
            if exponent < text.count, Self.isDigit(text[exponent]) {
                while exponent < text.count, Self.isDigit(text[exponent]) { exponent += 1 }
                position = exponent
                return emit(.number, Array(text[start..<position]), from: start)
            }
            return word()
        }
        if index > position, Self.isNameByte(next) { return word() }
        if next == UInt8(ascii: "."), !(index + 1 < text.count && text[index + 1] == UInt8(ascii: ".")) {
            index += 1
            while index < text.count, Self.isDigit(text[index]) { index += 1 }
            if index < text.count, text[index] == UInt8(ascii: "e") || text[index] == UInt8(ascii: "E") {
                var exponent = index + 1
                if exponent < text.count, text[exponent] == UInt8(ascii: "+") || text[exponent] == UInt8(ascii: "-") { exponent += 1 }
                guard exponent < text.count, Self.isDigit(text[exponent]) else {
                    return fail(.unreadable("a number's exponent has no digits"))
                }
                while exponent < text.count, Self.isDigit(text[exponent]) { exponent += 1 }
                index = exponent
            }
        }
        position = index
        emit(.number, Array(text[start..<position]), from: start)
    }

    /// `@name`, `@'name'`, `` @`name` `` and `@@` (before a system variable).
    private mutating func variable() {
        let start = position
        switch byte(1) {
        case UInt8(ascii: "@"):
            position += 2
            emit(.systemVariableMarker, [UInt8(ascii: "@"), UInt8(ascii: "@")], from: start)
        case UInt8(ascii: "'"), UInt8(ascii: "\""), UInt8(ascii: "`"):
            position += 1
            let quote = text[position]
            if quote == UInt8(ascii: "`") || (quote == UInt8(ascii: "\"") && syntax.ansiQuotes) {
                quotedName(close: quote)
            } else {
                string(quote: quote, kind: .string, skip: 1)
            }
            guard problem == nil, var token = tokens.popLast() else { return }
            token.kind = .userVariable
            token.start = start
            token.spaced = tokens.last.map { $0.end < start } ?? (start > 0)
            tokens.append(token)
        default:
            // MariaDB reads a user variable's name like a host name.
            var index = position + 1
            while index < text.count {
                let c = text[index]
                guard Self.isNameByte(c) || Self.isDigit(c) || c == UInt8(ascii: ".") else { break }
                if c >= 0x80 {
                    guard let length = Self.utf8Length(text, at: index) else { break }
                    index += length
                } else {
                    index += 1
                }
            }
            position = index
            emit(.userVariable, Array(text[(start + 1)..<index]), from: start)
        }
    }

    private static let operators: [[UInt8]] = ["<=>", "<=", ">=", "<>", "!=", "<<", ">>", "&&", "||", ":=", ".."]
        .map { Array($0.utf8) }

    private mutating func symbol() {
        let start = position
        for candidate in Self.operators where text[position...].starts(with: candidate) {
            position += candidate.count
            return emit(.symbol, candidate, from: start)
        }
        position += 1
        emit(.symbol, [text[start]], from: start)
    }

    // MARK: Character classes (utf8mb4's ctype for ASCII)

    static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || (0x09...0x0D).contains(c) }
    static func isControl(_ c: UInt8) -> Bool { c < 0x20 || c == 0x7F }
    static func isDigit(_ c: UInt8) -> Bool { (0x30...0x39).contains(c) }
    static func isHexDigit(_ c: UInt8) -> Bool {
        isDigit(c) || (0x41...0x46).contains(c) || (0x61...0x66).contains(c)
    }
    /// Bytes that start or continue a name (digits aside).
    static func isNameByte(_ c: UInt8) -> Bool {
        (0x41...0x5A).contains(c) || (0x61...0x7A).contains(c) || c == UInt8(ascii: "_") || c == UInt8(ascii: "$")
            || c >= 0x80
    }

    /// The length of the valid UTF-8 (utf8mb4) character at `index`, or nil.
    static func utf8Length(_ text: [UInt8], at index: Int) -> Int? {
        let lead = text[index]
        func continuation(_ offset: Int, _ range: ClosedRange<UInt8> = 0x80...0xBF) -> Bool {
            index + offset < text.count && range.contains(text[index + offset])
        }
        switch lead {
        case 0x00...0x7F: return 1
        case 0xC2...0xDF: return continuation(1) ? 2 : nil
        case 0xE0: return continuation(1, 0xA0...0xBF) && continuation(2) ? 3 : nil
        case 0xE1...0xEF: return continuation(1) && continuation(2) ? 3 : nil
        case 0xF0: return continuation(1, 0x90...0xBF) && continuation(2) && continuation(3) ? 4 : nil
        case 0xF1...0xF3: return continuation(1) && continuation(2) && continuation(3) ? 4 : nil
        case 0xF4: return continuation(1, 0x80...0x8F) && continuation(2) && continuation(3) ? 4 : nil
        default: return nil
        }
    }
}
