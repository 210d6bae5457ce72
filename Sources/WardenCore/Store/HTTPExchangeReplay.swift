/// An HTTP exchange in a replay, in HTTP's own terms: the headers the
/// record chose (`>` for the request, `<` for the response, as curl -v
/// shows them) and the start of each body, as the client saw it.
struct HTTPExchangeReplay {
    /// The columns the HTTP proxy records an exchange under.
    static let columns = ["status", "request_headers", "request_body", "response_headers", "response_body"]
    /// Body lines shown; the record may hold more.
    static let bodyLines = 20

    let lines: [String]

    init?(_ statement: StatementRecord) {
        guard let table = statement.result, table.columns == Self.columns, let row = table.rows.first, row.count == 5 else {
            return nil
        }
        var lines: [String] = []
        lines += Self.prefixed(">", row[1], limit: .max)
        lines += Self.prefixed(">", row[2], limit: Self.bodyLines)
        if let status = row[0] { lines.append("< \(status)") }
        lines += Self.prefixed("<", row[3], limit: .max)
        lines += Self.prefixed("<", row[4], limit: Self.bodyLines)
        if table.truncated { lines.append("… the bodies are longer than the record keeps") }
        self.lines = lines
    }

    private static func prefixed(_ mark: String, _ text: String?, limit: Int) -> [String] {
        guard let text, !text.isEmpty else { return [] }
        let all = TerminalText.safe(text, keepingNewlines: true).split(separator: "\n", omittingEmptySubsequences: false)
        var shown = all.prefix(limit).map { "\(mark) \($0)" }
        if all.count > limit { shown.append("\(mark) … \(all.count - limit) more lines") }
        return shown
    }
}
