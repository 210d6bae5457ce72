/// Splits PostgreSQL SQL text into tokens, following the server's lexer
/// (src/backend/parser/scan.l) wherever the boundaries of quotes and comments
/// are decided, since that is where text could hide from a classifier.
struct SQLTokenizer: Sendable {
    /// The server's standard_conforming_strings. When off, backslashes escape
    /// in plain `'…'` strings too. PostgreSQL reports the setting to clients
    /// (ParameterStatus); the default has been on since 9.1.
    var standardConformingStrings: Bool

    init(standardConformingStrings: Bool = true) {
        self.standardConformingStrings = standardConformingStrings
    }

    /// The tokens of `sql`, without whitespace and comments.
    /// - Throws: `SQLLexError` for an unterminated quote or comment, or a
    ///   malformed escape, all of which PostgreSQL rejects too.
    func tokenize(_ sql: String) throws(SQLLexError) -> [SQLToken] {
        var lexer = SQLLexer(source: sql, standardConformingStrings: standardConformingStrings)
        return try lexer.run()
    }
}

/// The scanning state of one `SQLTokenizer.tokenize` call.
struct SQLLexer {
    let source: String
    let bytes: [UInt8]
    let standardConformingStrings: Bool
    var position = 0
    var tokens: [SQLToken] = []

    init(source: String, standardConformingStrings: Bool) {
        self.source = source
        self.bytes = Array(source.utf8)
        self.standardConformingStrings = standardConformingStrings
    }

    mutating func run() throws(SQLLexError) -> [SQLToken] {
        while true {
            try skipWhitespaceAndComments()
            guard position < bytes.count else { return tokens }
            try lexToken()
        }
    }

    /// Lexes the token starting at `position`, which is not whitespace or a comment.
    private mutating func lexToken() throws(SQLLexError) {
        let first = bytes[position]
        switch first {
        case SQLCharacter.quote:
            try lexQuotedString(start: position, prefixLength: 0, style: .standard)
        case SQLCharacter.doubleQuote:
            try lexQuotedIdentifier(start: position, prefixLength: 0)
        case SQLCharacter.dollar:
            try lexDollar()
        case _ where SQLCharacter.isIdentifierStart(first):
            try lexWordOrPrefixedLiteral()
        case _ where SQLCharacter.isDigit(first):
            lexNumber()
        case UInt8(ascii: ".") where byte(at: position + 1).map(SQLCharacter.isDigit) == true:
            lexNumber()
        case UInt8(ascii: ":"), UInt8(ascii: "."):
            // `::` (a cast) and `..` (a range) are single tokens.
            let length = byte(at: position + 1) == first ? 2 : 1
            emit(.punctuation, position..<position + length)
        case UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: ","), UInt8(ascii: ";"),
             UInt8(ascii: "["), UInt8(ascii: "]"):
            emit(.punctuation, position..<position + 1)
        case _ where SQLCharacter.isOperator(first):
            lexOperator()
        default:
            emit(.other, position..<position + 1)
        }
    }

    // MARK: Helpers shared by the lexing extensions

    func byte(at offset: Int) -> UInt8? {
        offset < bytes.count ? bytes[offset] : nil
    }

    func index(_ offset: Int) -> String.Index {
        source.utf8.index(source.utf8.startIndex, offsetBy: offset)
    }

    func text(_ range: Range<Int>) -> String {
        String(decoding: bytes[range], as: UTF8.self)
    }

    /// Appends a token covering `range` and moves past it.
    mutating func emit(_ kind: SQLToken.Kind, _ range: Range<Int>, value: String? = nil, text: String? = nil) {
        let written = text ?? self.text(range)
        tokens.append(SQLToken(
            kind: kind, range: index(range.lowerBound)..<index(range.upperBound),
            text: written, value: value ?? written))
        position = range.upperBound
    }
}
