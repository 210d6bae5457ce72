import Foundation
import Testing

@testable import WardenCore

/// The recorder's batches: folded events give the same store as applying
/// them one by one, and the hand-written JSON matches Foundation's.
@Suite struct RecordBatchTests {
    static let start = Date(timeIntervalSince1970: 1_750_000_000)

    static func session(_ id: String) -> SessionRecord {
        SessionRecord(
            id: id, startedAt: start, endedAt: nil, listener: "pg", clientAddress: "127.0.0.1:5000",
            connection: "orders", clientUser: "alice", subject: "alice", groups: ["analysts"], status: "open", reason: nil)
    }

    static func started(_ session: String, _ sequence: Int) -> RecordEvent {
        .statementStarted(StatementRecord(
            sessionID: session, sequence: sequence, startedAt: start, text: "SELECT \(sequence)", verdict: "allow",
            reason: nil))
    }

    static func finished(_ session: String, _ sequence: Int, rows: Int) -> RecordEvent {
        .statementFinished(
            sessionID: session, sequence: sequence, durationMilliseconds: 1, rows: rows, summary: "SELECT \(rows)",
            errorCode: nil, errorMessage: nil, result: ResultTable(columns: ["n"], rows: [["\(rows)"]]))
    }

    @Test func aStatementStartedAndFinishedInOneBatchIsOneCompleteRow() {
        let batch = RecordBatch([
            .sessionStarted(Self.session("s1")), Self.started("s1", 1), Self.finished("s1", 1, rows: 3),
            .sessionEnded(sessionID: "s1", at: Self.start.addingTimeInterval(5)),
        ])
        #expect(batch.statements.count == 1)
        #expect(batch.statements.first?.rows == 3)
        #expect(batch.statements.first?.summary == "SELECT 3")
        #expect(batch.finishes.isEmpty)
        #expect(batch.sessions.first?.status == "ended")
        #expect(batch.sessions.first?.endedAt == Self.start.addingTimeInterval(5))
        #expect(batch.sessionEnds.isEmpty)
    }

    @Test func whatFinishesAnEarlierBatchesRowIsAnUpdate() {
        let batch = RecordBatch([Self.finished("s1", 1, rows: 2), .sessionEnded(sessionID: "s1", at: Self.start)])
        #expect(batch.statements.isEmpty)
        #expect(batch.finishes.map(\.sequence) == [1])
        #expect(batch.sessionEnds.map(\.id) == ["s1"])
    }

    @Test func aRefusedSessionKeepsItsStatusWhenItEnds() {
        var refused = Self.session("s2")
        refused.status = "refused"
        let batch = RecordBatch([.sessionStarted(refused), .sessionEnded(sessionID: "s2", at: Self.start)])
        #expect(batch.sessions.first?.status == "refused")
    }

    /// Batches split across writes, with updates to rows of earlier batches,
    /// leave the store as applying every event alone does.
    @Test func batchedWritesEqualOneByOneWrites() async throws {
        let events: [RecordEvent] = [
            .sessionStarted(Self.session("s1")), Self.started("s1", 1), Self.finished("s1", 1, rows: 1),
            Self.started("s1", 2),
        ] + (3...1200).flatMap { [Self.started("s1", $0), Self.finished("s1", $0, rows: $0)] }
        let later: [RecordEvent] = [Self.finished("s1", 2, rows: 22), .sessionEnded(sessionID: "s1", at: Self.start)]

        let batched = try await RecordStoreTests.withStoreFile { path in
            let store = try await RecordStoreTests.open(path)
            try await store.apply(all: events)
            try await store.apply(all: later)
            let result = (try await store.statements(sessionID: "s1"), try await store.session(id: "s1"))
            try await store.close()
            return result
        }
        let single = try await RecordStoreTests.withStoreFile { path in
            let store = try await RecordStoreTests.open(path)
            for event in events + later { try await store.apply(event) }
            let result = (try await store.statements(sessionID: "s1"), try await store.session(id: "s1"))
            try await store.close()
            return result
        }
        #expect(batched.0.count == 1200)
        #expect(batched.0 == single.0)
        #expect(batched.0[1].rows == 22)
        #expect(batched.1 == single.1)
        #expect(batched.1?.status == "ended")
    }

    /// Rows travel to SQLite as JSON: text with quotes, escapes and any
    /// script, NULLs, whole and fractional numbers all read back as written.
    @Test func whatIsWrittenReadsBackUnchanged() async throws {
        let startedAt = Date(timeIntervalSince1970: 1_795_656_170.123_456)
        var session = Self.session("s\"1")
        session.startedAt = startedAt
        session.subject = nil
        session.groups = ["a b", "ü"]
        let statement = StatementRecord(
            sessionID: "s\"1", sequence: 9_007_199_254, startedAt: startedAt,
            text: "SELECT '\\', \"x\"\n\t-- é ✓ 😀 \u{01}", verdict: "allow", reason: nil,
            durationMilliseconds: 0.000_125, rows: 0, summary: "SELECT 0", errorCode: nil, errorMessage: "",
            approval: nil, result: ResultTable(columns: ["a"], rows: [[nil], ["[1,2]"]]))
        let (readSession, readStatements) = try await RecordStoreTests.withStoreFile { path in
            let store = try await RecordStoreTests.open(path)
            try await store.apply(all: [.sessionStarted(session), .statementStarted(statement)])
            let result = (try await store.session(id: session.id), try await store.statements(sessionID: session.id))
            try await store.close()
            return result
        }
        var expectedStatement = statement
        expectedStatement.startedAt = readStatements.first?.startedAt ?? .distantPast
        #expect(readStatements == [expectedStatement])
        #expect(abs((readStatements.first?.startedAt ?? .distantPast).timeIntervalSince(startedAt)) < 0.000_001)
        var expectedSession = session
        expectedSession.startedAt = readSession?.startedAt ?? .distantPast
        #expect(readSession == expectedSession)
        #expect(abs((readSession?.startedAt ?? .distantPast).timeIntervalSince(startedAt)) < 0.000_001)
    }

    @Test func theResultJSONIsWhatJSONEncoderWrites() throws {
        let table = ResultTable(
            columns: ["id", "quote\"d", "back\\slash", "e/mail"],
            rows: [["1", nil, "tab\there\u{01}", "é ✓ 😀"], ["2", "", "line\nbreak\r\u{0C}\u{08}", "</script>"]],
            truncated: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let foundation = String(decoding: try encoder.encode(table), as: UTF8.self)
        #expect(table.json == foundation)
        #expect(ResultTable(json: table.json) == table)
        #expect(ResultTable(columns: [], rows: []).json == #"{"columns":[],"rows":[],"truncated":false}"#)
    }
}
