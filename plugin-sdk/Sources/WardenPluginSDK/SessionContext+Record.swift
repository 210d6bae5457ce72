import CWardenPlugin

extension SessionContext {
    /// Reports how an allowed action ended, with the result table the client
    /// received when there is one.
    ///
    /// Throws ``HostStatus/badArgument`` without calling the host when a row
    /// of ``ActionResult/table`` does not have one value per column.
    public func record(_ result: ActionResult) throws(HostStatus) {
        let table = result.table ?? ResultTable(columns: [], rows: [])
        guard table.rows.allSatisfy({ $0.count == table.columns.count }) else { throw .badArgument }
        // Every string goes into one arena so that a single borrow covers all slices.
        var arena = ByteArena()
        let summary = arena.add(result.summary)
        let code = arena.add(result.error?.code ?? "")
        let message = arena.add(result.error?.message ?? "")
        let columns = table.columns.map { arena.add($0) }
        let cells = table.rows.flatMap { row in row.map { $0.map { arena.add($0) } } }
        let status = arena.bytes.withUnsafeBufferPointer { base in
            let columnSlices = columns.map { ByteArena.slice(base, $0) }
            let cellSlices = cells.map { range in
                warden_cell(
                    is_null: range == nil ? 1 : 0, reserved: 0,
                    value: range.map { ByteArena.slice(base, $0) } ?? warden_bytes(data: nil, length: 0))
            }
            return columnSlices.withUnsafeBufferPointer { columnSlices in
                cellSlices.withUnsafeBufferPointer { cellSlices in
                    var descriptor = warden_action_result(
                        size: UInt32(MemoryLayout<warden_action_result>.size),
                        failed: result.error == nil ? 0 : 1, action_id: result.actionID,
                        rows: result.rows, bytes: result.bytes, summary: ByteArena.slice(base, summary),
                        error_code: ByteArena.slice(base, code), error_message: ByteArena.slice(base, message),
                        columns: columnSlices.baseAddress, column_count: columnSlices.count,
                        cells: cellSlices.baseAddress, cell_count: cellSlices.count,
                        truncated: table.truncated ? 1 : 0, reserved2: 0)
                    return api.pointee.record_result?(session, &descriptor)
                }
            }
        }
        try check(status)
    }
}
