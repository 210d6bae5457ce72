import CWardenPlugin
import Testing

@testable import WardenPluginSDK

/// What the fake host's record_result read, copied out during the call.
private struct Recorded: Equatable {
    var size: UInt32
    var summary: String
    var columns: [String]
    var cells: [String?]
    var truncated: UInt32
}

// Written only by the fake host during a test of the serialized suite below.
nonisolated(unsafe) private var recorded: Recorded?

private let recordResult: @convention(c) (warden_session, UnsafePointer<warden_action_result>?) -> warden_status = {
    _, result in
    guard let result else { return WARDEN_BAD_ARGUMENT }
    let columns = borrowedArray(result.pointee.columns, result.pointee.column_count).map(\.string)
    let cells = borrowedArray(result.pointee.cells, result.pointee.cell_count).map { cell in
        cell.is_null != 0 ? nil : cell.value.string
    }
    recorded = Recorded(
        size: result.pointee.size, summary: result.pointee.summary.string, columns: columns, cells: cells,
        truncated: result.pointee.truncated)
    return WARDEN_OK
}

// A host table with only record_result; lives for the test process.
nonisolated(unsafe) private let fakeHost: UnsafePointer<warden_host_api> = {
    let table = UnsafeMutablePointer<warden_host_api>.allocate(capacity: 1)
    var api = warden_host_api()
    api.size = UInt32(MemoryLayout<warden_host_api>.size)
    api.abi_major = UInt16(WARDEN_ABI_MAJOR)
    api.abi_minor = UInt16(WARDEN_ABI_MINOR)
    api.record_result = recordResult
    table.initialize(to: api)
    return UnsafePointer(table)
}()

/// `SessionContext.record` lends the result table to C row-major, with NULLs marked.
@Suite(.serialized) struct RecordTests {
    let context = SessionContext(api: fakeHost, session: 1)

    init() { recorded = nil }

    @Test func theTableIsLentRowMajorWithNullsMarked() throws {
        let table = ResultTable(columns: ["id", "name"], rows: [["1", "Ada"], ["2", nil], ["3", ""]], truncated: true)
        try context.record(ActionResult(actionID: 7, rows: 5, summary: "SELECT 5", table: table))
        #expect(recorded == Recorded(
            size: UInt32(MemoryLayout<warden_action_result>.size), summary: "SELECT 5",
            columns: ["id", "name"], cells: ["1", "Ada", "2", nil, "3", ""], truncated: 1))
    }

    @Test func aResultWithoutATableLendsNoColumns() throws {
        try context.record(ActionResult(actionID: 7, rows: 1, summary: "INSERT 0 1"))
        #expect(recorded?.columns == [])
        #expect(recorded?.cells == [])
        #expect(recorded?.truncated == 0)
        #expect(recorded?.summary == "INSERT 0 1")
    }

    @Test func aRowThatDoesNotMatchTheColumnsIsRefusedBeforeTheHostIsCalled() {
        let ragged = ResultTable(columns: ["a", "b"], rows: [["1", "2"], ["3"]])
        #expect(throws: HostStatus.badArgument) {
            try context.record(ActionResult(actionID: 7, rows: 2, summary: "SELECT 2", table: ragged))
        }
        #expect(recorded == nil)
    }
}
