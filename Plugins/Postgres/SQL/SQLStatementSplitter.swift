/// Cuts a message's tokens into statements at every `;`.
///
/// Splitting even inside parentheses or a `BEGIN ATOMIC … END` body is
/// deliberate: PostgreSQL rejects a `;` in parentheses, and the pieces of an
/// atomic body only add classifications, never hide one.
enum SQLStatementSplitter {
    /// The statements in `tokens`, without their `;` and without empty ones.
    static func split(_ tokens: [SQLToken]) -> [ArraySlice<SQLToken>] {
        tokens.split(omittingEmptySubsequences: true, whereSeparator: { $0.isSymbol(";") })
    }
}
