/// One token of a statement, as MariaDB's lexer (`lex_one_token` in
/// sql_lex.cc) cuts the text.
struct MySQLToken: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        /// An unquoted identifier or keyword; `value` is its text.
        case word
        /// A name in backticks, in `"` under ANSI_QUOTES or in `[]` under
        /// MSSQL; `value` is the name without quotes, doubled quotes undone.
        case quotedName
        /// A `'` or `"` string; `value` is its content, unescaped.
        case string
        /// `N'…'`.
        case nationalString
        /// `X'…'` or `0x…`; `value` is the digits.
        case hexLiteral
        /// `B'…'` or `0b…`; `value` is the digits.
        case bitLiteral
        /// An integer, decimal or float.
        case number
        /// `@name`, `@'name'`, `` @`name` ``; `value` is the name.
        case userVariable
        /// `@@`, before a system variable's name.
        case systemVariableMarker
        /// `\N`, MariaDB's short form of NULL.
        case nullEscape
        /// An operator or punctuation: `(`, `)`, `,`, `.`, `=`, `:=`, `<=>`, `?`, ….
        case symbol
        /// `;`, the end of a statement (outside compound statements).
        case semicolon
    }

    var kind: Kind
    var value: [UInt8]
    /// The byte range of the token in the text, quotes included.
    var start: Int
    var end: Int
    /// Whitespace or a comment comes before the token.
    var spaced: Bool
    /// The token is inside an executable comment (`/*! … */`).
    var executableComment: Bool

    /// The word in upper case (ASCII only, as MariaDB's keywords are), or
    /// "" for any other kind of token.
    var keyword: String {
        kind == .word ? String(decoding: value.map { (0x61...0x7A).contains($0) ? $0 - 0x20 : $0 }, as: UTF8.self) : ""
    }

    /// The text of a word or a quoted name, as a name (lowercased), or nil.
    var name: String? {
        switch kind {
        case .word, .quotedName: String(decoding: value, as: UTF8.self).lowercased()
        default: nil
        }
    }

    /// The symbol's text, or "" for any other kind of token.
    var symbol: String {
        kind == .symbol ? String(decoding: value, as: UTF8.self) : ""
    }

    /// A string's content, lowercased, or nil for any other kind of token.
    var stringValue: String? {
        kind == .string ? String(decoding: value, as: UTF8.self).lowercased() : nil
    }

    var isLiteral: Bool {
        switch kind {
        case .string, .nationalString, .hexLiteral, .bitLiteral, .number: true
        default: false
        }
    }

    var isName: Bool { kind == .word || kind == .quotedName }

    func isWord(_ word: String) -> Bool { kind == .word && keyword == word }
    func isSymbol(_ text: String) -> Bool { kind == .symbol && symbol == text }
}
