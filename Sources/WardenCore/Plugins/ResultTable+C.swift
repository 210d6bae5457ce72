import CWardenPlugin

extension ResultTable {
    /// The table isn't `column_count` cells per row: a plugin bug.
    struct Malformed: Error {}

    /// Copies the table a plugin lent with `record_result` (ABI 1.1).
    ///
    /// `nil` when the plugin's struct predates the table, it sent no columns,
    /// or capture is off (`limit` 0). The host holds a plugin to `limit` as
    /// the plugins count it (value bytes, a NULL or empty value counting as
    /// one): rows past it are dropped and the table marked truncated.
    init?(lentBy result: warden_action_result, limit: Int) throws(Malformed) {
        guard PluginStruct.covers(result.size, \warden_action_result.truncated) else { return nil }
        let columns = UnsafeBufferPointer(start: result.columns, count: result.columns == nil ? 0 : result.column_count)
        let cells = UnsafeBufferPointer(start: result.cells, count: result.cells == nil ? 0 : result.cell_count)
        guard !columns.isEmpty else {
            guard cells.isEmpty else { throw Malformed() }
            return nil
        }
        guard cells.count % columns.count == 0 else { throw Malformed() }
        guard limit > 0 else { return nil }
        var rows: [[String?]] = []
        var used = 0
        var truncated = result.truncated != 0
        for start in stride(from: 0, to: cells.count, by: columns.count) {
            let row = cells[start..<start + columns.count]
            used += row.reduce(0) { $0 + Self.cost(of: $1, limit: limit) }
            guard used <= limit else {
                truncated = true
                break
            }
            rows.append(row.map { $0.is_null != 0 ? nil : $0.value.text })
        }
        self.init(columns: columns.map(\.text), rows: rows, truncated: truncated)
    }

    /// What one cell counts against the limit; capped so that a lying length cannot overflow the sum.
    private static func cost(of cell: warden_cell, limit: Int) -> Int {
        let length = cell.is_null != 0 || cell.value.data == nil ? 0 : cell.value.length
        return min(max(length, 1), limit + 1)
    }
}
