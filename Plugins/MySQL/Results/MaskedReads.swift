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

    /// The statement names one of the masked columns (as a name or a quoted name).
    func statementReads(_ text: [UInt8], syntax: MySQLSyntax) -> Bool {
        guard !columnNames.isEmpty else { return false }
        let (tokens, problem) = MySQLLexer.tokenize(text, syntax: syntax)
        // Text Warden cannot read: assume it reads them.
        if problem != nil { return true }
        return tokens.contains { token in token.name.map(columnNames.contains) ?? false }
    }
}
