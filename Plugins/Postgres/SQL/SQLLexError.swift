/// Why a text could not be tokenized. PostgreSQL rejects such a text as a
/// whole, so the classifier answers `unknown` rather than guess.
struct SQLLexError: Error, Equatable, Sendable, CustomStringConvertible {
    enum Reason: Equatable, Sendable {
        case unterminatedString
        case unterminatedQuotedIdentifier
        case unterminatedBlockComment
        case unterminatedDollarQuote
        /// `""`: PostgreSQL refuses zero-length delimited identifiers.
        case zeroLengthIdentifier
        /// A malformed `\u…`, `U&` escape or `UESCAPE` clause.
        case invalidUnicodeEscape
        /// `U&'…'` while standard_conforming_strings is off, which PostgreSQL refuses.
        case unicodeStringWithoutStandardStrings
    }

    var reason: Reason
    /// UTF-8 offset of the construct at fault (its opening quote or comment).
    var offset: Int

    var description: String {
        let what: String
        switch reason {
        case .unterminatedString: what = "unterminated quoted string"
        case .unterminatedQuotedIdentifier: what = "unterminated quoted identifier"
        case .unterminatedBlockComment: what = "unterminated /* comment"
        case .unterminatedDollarQuote: what = "unterminated dollar-quoted string"
        case .zeroLengthIdentifier: what = "zero-length delimited identifier"
        case .invalidUnicodeEscape: what = "invalid Unicode escape"
        case .unicodeStringWithoutStandardStrings:
            what = "U&'' string while standard_conforming_strings is off"
        }
        return "\(what) at byte \(offset)"
    }
}
