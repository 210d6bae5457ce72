/// How a string constant was written; each form has its own escaping rules.
enum SQLStringStyle: Equatable, Sendable {
    /// `'…'`: only a doubled quote escapes (unless standard_conforming_strings is off).
    case standard
    /// `E'…'`: backslash escapes as in C.
    case escape
    /// `U&'…'`: `\XXXX` / `\+XXXXXX` Unicode escapes, optionally with `UESCAPE`.
    case unicode
    /// `$$…$$` or `$tag$…$tag$`: no escapes at all.
    case dollar
    /// `B'…'`: a bit string.
    case bit
    /// `X'…'`: a bit string written in hexadecimal.
    case hex
    /// `N'…'`: a national character string, lexed like `'…'`.
    case national
}

/// One lexical token of PostgreSQL SQL. Whitespace and comments are not tokens.
struct SQLToken: Equatable, Sendable {
    enum Kind: Equatable, Sendable {
        /// A keyword or an unquoted identifier: PostgreSQL's lexer cannot tell them apart.
        case word
        /// `"…"` or `U&"…"`.
        case quotedIdentifier
        case string(SQLStringStyle)
        case number
        /// `$1`, `$2`, … (a placeholder for a bound value).
        case parameter
        /// A run of operator characters such as `=`, `<>`, `||`, `->>`.
        case `operator`
        /// `(` `)` `,` `;` `.` `..` `[` `]` `:` `::`
        case punctuation
        /// A character PostgreSQL's lexer does not accept here (a stray `$`, `{`, a control byte).
        case other
    }

    var kind: Kind
    /// Where the token is in the tokenized text. For a string continued over
    /// several lines, or followed by `UESCAPE`, the span of all its parts.
    var range: Range<String.Index>
    /// The token as written; the parts of a continued literal are joined by one space.
    var text: String
    /// What the token stands for: a word ASCII-lowercased (PostgreSQL's case
    /// folding), a quoted identifier or a string with its escapes resolved,
    /// anything else its text.
    var value: String

    /// Whether this is the unquoted word `lowercased` (give it in lower case).
    func isWord(_ lowercased: String) -> Bool {
        kind == .word && value == lowercased
    }

    /// Whether this is the punctuation or operator `symbol`.
    func isSymbol(_ symbol: String) -> Bool {
        (kind == .punctuation || kind == .operator) && text == symbol
    }

    /// Whether the token can name something: a word or a quoted identifier.
    var isIdentifierLike: Bool {
        kind == .word || kind == .quotedIdentifier
    }

    /// Whether the token is a string constant of any style.
    var isString: Bool {
        if case .string = kind { return true }
        return false
    }
}
