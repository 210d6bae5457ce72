import CWardenPlugin
import Testing

@testable import WardenCore

/// The host's reading of a plugin's result table (ABI 1.1): only when the
/// plugin's struct holds it, well formed, and within the host's own limit.
@Suite struct ResultTableLendingTests {
    /// Lends `columns` and row-major `cells` in a `warden_action_result` of `size` bytes.
    func withResult<T>(
        columns: [String], cells: [String?], truncated: Bool = false,
        size: Int = MemoryLayout<warden_action_result>.size, _ body: (warden_action_result) throws -> T
    ) rethrows -> T {
        var arena = ByteArena()
        let columnRanges = columns.map { arena.add($0) }
        let cellRanges = cells.map { $0.map { arena.add($0) } }
        return try arena.bytes.withUnsafeBufferPointer { base in
            let columnSlices = columnRanges.map { ByteArena.slice(base, $0) }
            let cellSlices = cellRanges.map { range in
                warden_cell(is_null: range == nil ? 1 : 0, reserved: 0,
                            value: range.map { ByteArena.slice(base, $0) } ?? warden_bytes(data: nil, length: 0))
            }
            return try columnSlices.withUnsafeBufferPointer { columnSlices in
                try cellSlices.withUnsafeBufferPointer { cellSlices in
                    var result = warden_action_result()
                    result.size = UInt32(size)
                    result.columns = columnSlices.baseAddress
                    result.column_count = columnSlices.count
                    result.cells = cellSlices.baseAddress
                    result.cell_count = cellSlices.count
                    result.truncated = truncated ? 1 : 0
                    return try body(result)
                }
            }
        }
    }

    @Test func aTableIsCopiedRowByRow() throws {
        let table = try withResult(columns: ["id", "email"], cells: ["1", nil, "2", ""]) {
            try ResultTable(lentBy: $0, limit: 1024)
        }
        #expect(table == ResultTable(columns: ["id", "email"], rows: [["1", nil], ["2", ""]], truncated: false))
    }

    @Test func thePluginsTruncatedFlagIsKept() throws {
        let table = try withResult(columns: ["n"], cells: ["1"], truncated: true) { try ResultTable(lentBy: $0, limit: 1024) }
        #expect(table?.truncated == true)
    }

    @Test func aPluginThatIgnoresTheLimitIsCutToIt() throws {
        let table = try withResult(columns: ["v"], cells: ["aaaa", "bbbb", "cccc"]) { try ResultTable(lentBy: $0, limit: 10) }
        #expect(table == ResultTable(columns: ["v"], rows: [["aaaa"], ["bbbb"]], truncated: true))
    }

    @Test func nothingIsKeptWhenCaptureIsOffOrThereAreNoColumns() throws {
        #expect(try withResult(columns: ["v"], cells: ["1"]) { try ResultTable(lentBy: $0, limit: 0) } == nil)
        #expect(try withResult(columns: [], cells: []) { try ResultTable(lentBy: $0, limit: 1024) } == nil)
    }

    @Test func cellsThatDoNotFillWholeRowsAreRefused() {
        #expect(throws: ResultTable.Malformed.self) {
            try withResult(columns: ["a", "b"], cells: ["1", "2", "3"]) { try ResultTable(lentBy: $0, limit: 1024) }
        }
        #expect(throws: ResultTable.Malformed.self) {
            try withResult(columns: [], cells: ["1"]) { try ResultTable(lentBy: $0, limit: 1024) }
        }
    }

    @Test func aVersion10PluginsResultHasNoTable() throws {
        // A 1.0 plugin's struct ends after error_message: the host must not read past it.
        let size = try #require(MemoryLayout<warden_action_result>.offset(of: \warden_action_result.columns))
        let table = try withResult(columns: ["n"], cells: ["1"], size: size) { try ResultTable(lentBy: $0, limit: 1024) }
        #expect(table == nil)
    }

    @Test func onlyTheBytesAPluginWroteAreCopied() throws {
        let size = try #require(MemoryLayout<warden_action_result>.offset(of: \warden_action_result.columns))
        var written = warden_action_result()
        written.size = UInt32(size)
        written.action_id = 42
        written.column_count = 3  // beyond the plugin's struct: stands for whatever follows it in memory
        let copy = withUnsafePointer(to: written) {
            PluginStruct.copy($0, size: written.size, over: warden_action_result())
        }
        #expect(copy.action_id == 42)
        #expect(copy.column_count == 0)
        #expect(PluginStruct.covers(copy.size, \warden_action_result.error_message))
        #expect(!PluginStruct.covers(copy.size, \warden_action_result.truncated))
    }
}
