import Foundation

/// psql's aligned format: centered headers, a separator, left-aligned values.
enum TextTable {
    static func render(_ table: ResultTable) -> [String] {
        let header = table.columns.map(escape)
        let rows = table.rows.map { row in row.map { $0.map(escape) ?? "" } }
        let widths = header.indices.map { column in
            rows.reduce(header[column].count) { max($0, column < $1.count ? $1[column].count : 0) }
        }
        var lines = [line(header.enumerated().map { centered($1, widths[$0]) })]
        lines.append(widths.map { String(repeating: "-", count: $0 + 2) }.joined(separator: "+"))
        for row in rows {
            lines.append(line(widths.indices.map { column in
                padded(column < row.count ? row[column] : "", widths[column])
            }))
        }
        return lines
    }

    private static func line(_ cells: [String]) -> String {
        let text = cells.map { " \($0) " }.joined(separator: "|")
        return String(text.reversed().drop(while: { $0 == " " }).reversed())
    }

    private static func padded(_ text: String, _ width: Int) -> String {
        text + String(repeating: " ", count: max(width - text.count, 0))
    }

    private static func centered(_ text: String, _ width: Int) -> String {
        let space = max(width - text.count, 0)
        return String(repeating: " ", count: space / 2) + text + String(repeating: " ", count: space - space / 2)
    }

    /// Keeps one row on one line, and the terminal obeying none of a
    /// value's escape sequences: control characters are written as escapes.
    private static func escape(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { $0 == "\n" || $0 == "\r" || $0 == "\t" }) else { return TerminalText.safe(text) }
        return TerminalText.safe(text.replacingOccurrences(of: "\r\n", with: "\\r\\n").replacingOccurrences(of: "\n", with: "\\n")
            .replacingOccurrences(of: "\r", with: "\\r").replacingOccurrences(of: "\t", with: "\\t"))
    }
}
