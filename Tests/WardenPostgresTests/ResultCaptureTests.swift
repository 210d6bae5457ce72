import Testing
@testable import WardenPostgres

/// Capturing what the client received, for replay: columns, text rows and
/// NULLs, up to the session's byte limit.
@Suite("Session: result capture")
struct ResultCaptureTests {
    /// A session in the ready phase that ran `select` with `limit` and
    /// received `result` (which must end with ReadyForQuery).
    func finished(limit: Int, result: [UInt8]) -> PostgresSessionAction? {
        var harness = SessionHarness(resultCaptureLimit: limit)
        _ = harness.startReady()
        _ = harness.machine.clientData(FrontendMessages.query("select"))
        _ = harness.machine.decided(.allow())
        let actions = harness.machine.upstreamData(result)
        #expect(actions.toClient == result, "the relay is unchanged by capture")
        return actions.last
    }

    static func select(_ columns: [String], _ rows: [[String?]], tag: String? = nil) -> [UInt8] {
        Upstream.rowDescription(columns: columns) + rows.flatMap { Upstream.dataRow(values: $0) }
            + Upstream.commandComplete(tag ?? "SELECT \(rows.count)")
    }

    static let ready = BackendMessages.readyForQuery(.idle)

    @Test func capturesColumnsAndRowsAsText() {
        let result = Self.select(["id", "name"], [["1", "Ada Lovelace"], ["2", "Grace Hopper"]]) + Self.ready
        #expect(finished(limit: 1024, result: result) == .statementFinished(
            rows: 2, commandTags: ["SELECT 2"], error: nil,
            result: CapturedTable(columns: ["id", "name"], rows: [["1", "Ada Lovelace"], ["2", "Grace Hopper"]],
                                  truncated: false)))
    }

    @Test func keepsNullApartFromAnEmptyValue() {
        // A DataRow as PostgreSQL sends it: two columns, "1" then NULL (length -1).
        let row: [UInt8] = [0x44, 0, 0, 0, 15, 0, 2, 0, 0, 0, 1, 0x31, 0xFF, 0xFF, 0xFF, 0xFF]
        #expect(row == Upstream.dataRow(values: ["1", nil]))
        let result = Upstream.rowDescription(columns: ["id", "email"]) + row + Upstream.dataRow(values: ["2", ""])
            + Upstream.commandComplete("SELECT 2") + Self.ready
        #expect(finished(limit: 1024, result: result) == .statementFinished(
            rows: 2, commandTags: ["SELECT 2"], error: nil,
            result: CapturedTable(columns: ["id", "email"], rows: [["1", nil], ["2", ""]], truncated: false)))
    }

    @Test func keepsAHeaderForAnEmptyResult() {
        let result = Self.select(["id"], []) + Self.ready
        guard case .statementFinished(_, _, _, let table, _) = finished(limit: 1024, result: result) else {
            Issue.record("no statementFinished")
            return
        }
        #expect(table == CapturedTable(columns: ["id"], rows: [], truncated: false))
    }

    @Test func stopsAtTheLimitWithWholeRowsAndStillCountsThemAll() {
        // Four bytes a row: two fit in ten bytes, the third would not.
        let rows: [[String?]] = [["aaaa"], ["bbbb"], ["cccc"], ["dd"], ["e"]]
        let result = Self.select(["v"], rows) + Self.ready
        #expect(finished(limit: 10, result: result) == .statementFinished(
            rows: 5, commandTags: ["SELECT 5"], error: nil,
            result: CapturedTable(columns: ["v"], rows: [["aaaa"], ["bbbb"]], truncated: true)))
    }

    @Test func aRowThatFillsTheLimitExactlyIsKept() {
        let result = Self.select(["v"], [["aaaa"], ["bbbbbb"]]) + Self.ready
        guard case .statementFinished(_, _, _, let table, _) = finished(limit: 10, result: result) else {
            Issue.record("no statementFinished")
            return
        }
        #expect(table == CapturedTable(columns: ["v"], rows: [["aaaa"], ["bbbbbb"]], truncated: false))
    }

    @Test func nullsAndEmptyValuesCountAgainstTheLimitToo() {
        let result = Self.select(["v"], [[nil], [""], [nil], [nil]]) + Self.ready
        guard case .statementFinished(let rows, _, _, let table, _) = finished(limit: 3, result: result) else {
            Issue.record("no statementFinished")
            return
        }
        #expect(rows == 4)
        #expect(table == CapturedTable(columns: ["v"], rows: [[nil], [""], [nil]], truncated: true))
    }

    @Test func aZeroLimitCapturesNothing() {
        let result = Self.select(["id"], [["1"], ["2"]]) + Self.ready
        #expect(finished(limit: 0, result: result) == .statementFinished(
            rows: 2, commandTags: ["SELECT 2"], error: nil, result: nil))
    }

    @Test func keepsTheFirstResultSetAndMarksTheRestAsTruncated() {
        let result = Self.select(["a"], [["1"]]) + Upstream.commandComplete("SET")
            + Self.select(["b"], [["2"], ["3"]]) + Self.ready
        #expect(finished(limit: 1024, result: result) == .statementFinished(
            rows: 3, commandTags: ["SELECT 1", "SET", "SELECT 2"], error: nil,
            result: CapturedTable(columns: ["a"], rows: [["1"]], truncated: true)))
    }

    @Test func aStatementWithoutRowsHasNoTable() {
        let result = Upstream.commandComplete("INSERT 0 3") + Self.ready
        #expect(finished(limit: 1024, result: result) == .statementFinished(
            rows: 0, commandTags: ["INSERT 0 3"], error: nil, result: nil))
    }

    @Test func keepsTheRowsBeforeAnError() {
        let result = Upstream.rowDescription(columns: ["n"]) + Upstream.dataRow(values: ["1"])
            + Upstream.error("22012", "division by zero") + Self.ready
        #expect(finished(limit: 1024, result: result) == .statementFinished(
            rows: 1, commandTags: [], error: StatementError(code: "22012", message: "division by zero"),
            result: CapturedTable(columns: ["n"], rows: [["1"]], truncated: false)))
    }

    @Test func binaryColumnsAreShownAsHex() {
        let row = MessageWriter.message(UInt8(ascii: "D")) { out in
            out.appendInt16(1); out.appendInt32(3); out.append(contentsOf: [0x00, 0xAB, 0x7F])
        }
        let result = Upstream.rowDescription(columns: ["raw"], format: 1) + row
            + Upstream.commandComplete("FETCH 1") + Self.ready
        guard case .statementFinished(_, _, _, let table, _) = finished(limit: 1024, result: result) else {
            Issue.record("no statementFinished")
            return
        }
        #expect(table?.rows == [["\\x00ab7f"]])
    }

    @Test func aMalformedRowEndsTheCaptureButNotTheSession() {
        // Says two values, carries one.
        let short = MessageWriter.message(UInt8(ascii: "D")) { out in
            out.appendInt16(2); out.appendInt32(1); out.append(0x31)
        }
        let result = Upstream.rowDescription(columns: ["a", "b"]) + Upstream.dataRow(values: ["1", "2"]) + short
            + Upstream.commandComplete("SELECT 2") + Self.ready
        #expect(finished(limit: 1024, result: result) == .statementFinished(
            rows: 2, commandTags: ["SELECT 2"], error: nil,
            result: CapturedTable(columns: ["a", "b"], rows: [["1", "2"]], truncated: true)))
    }
}
