/// Renders tokens as the text a policy sees: no comments, every gap between
/// tokens (whitespace, comments, or both) collapsed to one space, and the
/// tokens themselves as written (keywords in their case, string contents kept).
enum SQLNormalizer {
    static func normalize<Tokens: Sequence<SQLToken>>(_ tokens: Tokens) -> String {
        var text = ""
        var previousEnd: String.Index?
        for token in tokens {
            // Tokens that touched in the source still touch: `a.b`, `f(x)`.
            if let previousEnd, previousEnd != token.range.lowerBound { text += " " }
            text += token.text
            previousEnd = token.range.upperBound
        }
        return text
    }

    /// Text that could not be tokenized, with runs of whitespace collapsed;
    /// comments stay because their extent is exactly what is in doubt.
    static func collapsingWhitespace(_ sql: String) -> String {
        var text = ""
        var pendingSpace = false
        for character in sql {
            if character.isWhitespace {
                pendingSpace = !text.isEmpty
            } else {
                if pendingSpace { text.append(" ") }
                pendingSpace = false
                text.append(character)
            }
        }
        return text
    }
}
