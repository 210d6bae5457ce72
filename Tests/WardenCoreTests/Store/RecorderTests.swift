import Foundation
import Logging
import SQLiteNIO
import Testing

@testable import WardenCore

/// The recorder's queue is bounded: past its limit new statements wait for
/// the writer instead of the queue (and the gateway's memory) growing. A
/// write that fails is retried until the store takes it, and statements wait
/// meanwhile.
@Suite(.timeLimit(.minutes(1))) struct RecorderTests {
    @Test func aFullBacklogHoldsNewStatementsUntilTheWriterTakesIt() async throws {
        try await RecordStoreTests.withStoreFile { path in
            let logger = Logger(label: "recorder-test")
            let store = try await RecordStoreTests.open(path)
            let audit = try await AuditLog.open(path: path, logger: logger)
            let recorder = Recorder(store: store, logger: logger, backlogLimit: 3)

            #expect(recorder.admit {} == .now)
            recorder.record(.sessionStarted(RecordStoreTests.session))
            recorder.audit(AuditKind.connectionAccepted, actor: "alice", sessionID: "s1")
            #expect(recorder.admit {} == .now)
            recorder.audit(AuditKind.statementAllowed, actor: "alice", sessionID: "s1")

            let (resumed, resume) = AsyncStream.makeStream(of: Void.self)
            #expect(recorder.admit { resume.yield() } != .now)

            let (events, session) = try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await recorder.run() }
                var iterator = resumed.makeAsyncIterator()
                await iterator.next()
                // The waiter is resumed when the writer takes the queue; the
                // write itself follows.
                var events: [AuditEvent] = []
                while events.count < 2 {
                    try await Task.sleep(for: .milliseconds(20))
                    events = try await audit.events(since: nil)
                }
                #expect(recorder.admit {} == .now)
                let session = try await store.session(id: "s1")
                group.cancelAll()
                return (events, session)
            }
            try await audit.close()
            try await store.close()
            #expect(events.map(\.kind) == [AuditKind.connectionAccepted, AuditKind.statementAllowed])
            #expect(session?.clientUser == "alice")
        }
    }

    /// Results captured for replay make some events tens of kilobytes: a
    /// client fetching large HTTP bodies grew the gateway by 2 GB in 20
    /// seconds while the recorder fell behind. The backlog is bounded by
    /// what it holds, too.
    @Test func largeResultsFillTheBacklogByTheirSize() async throws {
        try await RecordStoreTests.withStoreFile { path in
            let store = try await RecordStoreTests.open(path)
            let recorder = Recorder(store: store, logger: Logger(label: "recorder-test"), backlogLimit: 1000, backlogBytes: 64 << 10)
            #expect(recorder.admit {} == .now)
            let body = ResultTable(columns: ["response_body"], rows: [[String(repeating: "x", count: 70_000)]])
            recorder.record(.statementFinished(
                sessionID: "s1", sequence: 1, durationMilliseconds: 1, rows: 0, summary: "200 OK", errorCode: nil,
                errorMessage: nil, result: body))
            #expect(recorder.admit {} != .now, "one event of 70 KB fills a backlog of 64 KiB")
            try await store.close()
        }
    }

    /// Red team round 3: requests with 60 KiB heads grew the gateway by
    /// 530 MB: their attributes, and the audit events that copy them, did
    /// not count toward the backlog's bytes.
    @Test func attributesAndAuditDetailsFillTheBacklogToo() async throws {
        try await RecordStoreTests.withStoreFile { path in
            let store = try await RecordStoreTests.open(path)
            let recorder = Recorder(store: store, logger: Logger(label: "recorder-test"), backlogLimit: 1000, backlogBytes: 64 << 10)
            let host = String(repeating: "h", count: 40_000)
            recorder.record(.statementStarted(StatementRecord(
                sessionID: "s1", sequence: 1, startedAt: Date(), text: "GET /", verdict: "deny", reason: "no",
                facts: ActionFacts(kind: "http", className: "read", risk: "low", targets: ["/"], attributes: ["host": host]))))
            #expect(recorder.admit {} == .now, "40 KB of a 64 KiB backlog")
            recorder.audit(AuditKind.statementDenied, actor: "alice", sessionID: "s1", detail: ["host": host])
            #expect(recorder.admit {} != .now, "the audit event's copy of the attributes counts too")
            try await store.close()
        }
    }

    @Test func aWithdrawnWaitIsNotResumed() async throws {
        try await RecordStoreTests.withStoreFile { path in
            let logger = Logger(label: "recorder-test")
            let store = try await RecordStoreTests.open(path)
            let recorder = Recorder(store: store, logger: logger, backlogLimit: 1)
            recorder.audit(AuditKind.configLoaded, actor: AuditKind.gatewayActor)
            let (resumed, resume) = AsyncStream.makeStream(of: String.self)
            guard case .wait(let withdrawn) = recorder.admit({ resume.yield("withdrawn") }) else {
                Issue.record("a full backlog admitted a statement")
                return
            }
            #expect(recorder.admit { resume.yield("kept") } != .now)
            recorder.withdraw(withdrawn)
            let first = await withTaskGroup(of: Void.self) { group in
                group.addTask { try? await recorder.run() }
                var iterator = resumed.makeAsyncIterator()
                let first = await iterator.next()
                group.cancelAll()
                return first
            }
            try await store.close()
            #expect(first == "kept")
        }
    }

    /// Another process holds the write lock for longer than the busy timeout:
    /// the write fails, statements wait, and once the lock is gone the
    /// retried batch, with what arrived meanwhile, is written whole.
    @Test func aWriteThatFailsIsRetriedUntilTheStoreTakesIt() async throws {
        try await RecordStoreTests.withStoreFile { path in
            let logger = Logger(label: "recorder-test")
            let store = try await RecordStore.open(path: path, logger: logger, busyTimeout: .seconds(1))
            let recorder = Recorder(
                store: store, logger: logger, retry: RetryBackoff(first: .milliseconds(10), maximum: .milliseconds(50)))
            let locker = try await SQLiteConnection.open(storage: .file(path: path))
            _ = try await locker.query("BEGIN EXCLUSIVE", [])

            recorder.record(.sessionStarted(RecordStoreTests.session))
            recorder.audit(
                AuditKind.connectionAccepted, actor: "alice", sessionID: "s1",
                detail: AuditedContent.session(RecordStoreTests.session))
            recorder.record(.statementStarted(RecordStoreTests.statement(1)))
            recorder.audit(
                AuditKind.statementAllowed, actor: "alice", sessionID: "s1",
                detail: AuditedContent.statement(RecordStoreTests.statement(1)))

            let (resumed, resume) = AsyncStream.makeStream(of: Void.self)
            let reader = try await RecordStoreTests.open(path)
            let (admission, written) = try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await recorder.run() }
                while !recorder.isStoreFailing {
                    try await Task.sleep(for: .milliseconds(20))
                }
                // While the store fails, a new statement waits, and what
                // running statements report is kept for the retry.
                let admission = recorder.admit { resume.yield() }
                recorder.record(.statementFinished(
                    sessionID: "s1", sequence: 1, durationMilliseconds: 2, rows: 1, summary: "SELECT 1",
                    errorCode: nil, errorMessage: nil, result: nil))
                _ = try await locker.query("COMMIT", [])
                var iterator = resumed.makeAsyncIterator()
                await iterator.next()
                // The finish may have come after the retry that succeeded
                // began; then the next batch brings it.
                var written = try await reader.statements(sessionID: "s1")
                for _ in 0..<250 where written.first?.summary == nil {
                    try await Task.sleep(for: .milliseconds(20))
                    written = try await reader.statements(sessionID: "s1")
                }
                group.cancelAll()
                return (admission, written)
            }
            try await reader.close()
            try await locker.close()
            try await store.close()
            #expect(admission != .now)
            #expect(written.map(\.summary) == ["SELECT 1"])
            let audit = try await AuditLog.open(path: path, logger: logger, create: false)
            let events = try await audit.events(since: nil)
            let verification = try await audit.verify()
            try await audit.close()
            #expect(events.map(\.kind) == [AuditKind.connectionAccepted, AuditKind.statementAllowed])
            #expect(verification == .intact(count: 2))
        }
    }

    @Test func theBackoffDoublesUpToItsMaximum() {
        let backoff = RetryBackoff(first: .milliseconds(100), maximum: .seconds(1))
        #expect((1...6).map { backoff.pause(after: $0) }
            == [.milliseconds(100), .milliseconds(200), .milliseconds(400), .milliseconds(800), .seconds(1), .seconds(1)])
    }
}
