/// Which result values of a statement could carry masked data that column
/// rules cannot follow. A column's definition names its source only when
/// it is a stored column (`org_table.org_name`); a value computed from one —
/// `REVERSE(ssn)`, `HEX(email)`, `salary + 0` — has none, and a masker's
/// content detectors miss what a transformation disguised. So when a
/// statement names a masked column anywhere, every computed value of its
/// result is withheld whole (a string becomes ``withheld``, any other type
/// NULL). Coarser than following the data (a `COUNT(*)` beside a masked
/// column is withheld too), but it never lets a disguised value through.
struct MaskedReads {
    /// The masked columns' names, lowercased (`customers.ssn` and `*.ssn` give `ssn`).
    let columnNames: Set<String>

    static let withheld = "(withheld)"

    init(columnNames: [String]) {
        self.columnNames = Set(columnNames.map { $0.lowercased() })
    }

    /// What a statement's result may carry that the column rules cannot
    /// follow, from its tokens (comments and quoting read as the server does).
    struct Reading: Equatable {
        /// It names a masked column (as a name or a quoted name): withhold computed values.
        var namesMaskedColumn: Bool
        /// SHOW WARNINGS or SHOW ERRORS: their messages may quote values.
        var listsMessages: Bool
    }

    func reading(_ text: [UInt8], syntax: MySQLSyntax) -> Reading {
        let (tokens, problem) = MySQLLexer.tokenize(text, syntax: syntax)
        // Text Warden cannot read: assume it reads them.
        if problem != nil { return Reading(namesMaskedColumn: true, listsMessages: true) }
        let words = tokens.prefix(3).filter { $0.kind == .word }.map(\.keyword)
        return Reading(
            namesMaskedColumn: tokens.contains { token in token.name.map(columnNames.contains) ?? false },
            listsMessages: words.first == "SHOW" && words.dropFirst().contains { $0 == "WARNINGS" || $0 == "ERRORS" })
    }
}
