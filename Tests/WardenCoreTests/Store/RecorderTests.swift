import Foundation
import Logging
import Testing

@testable import WardenCore

/// The recorder's queue is bounded: past its limit new statements wait for
/// the writer instead of the queue (and the gateway's memory) growing.
@Suite(.timeLimit(.minutes(1))) struct RecorderTests {
    @Test func aFullBacklogHoldsNewStatementsUntilTheWriterTakesIt() async throws {
        try await RecordStoreTests.withStoreFile { path in
            let logger = Logger(label: "recorder-test")
            let store = try await RecordStoreTests.open(path)
            let audit = try await AuditLog.open(path: path, logger: logger)
            let recorder = Recorder(store: store, audit: audit, logger: logger, backlogLimit: 3)

            #expect(recorder.waitForRoom {} == true)
            recorder.record(.sessionStarted(RecordStoreTests.session))
            recorder.audit(AuditKind.connectionAccepted, actor: "alice", sessionID: "s1")
            #expect(recorder.waitForRoom {} == true)
            recorder.audit(AuditKind.statementAllowed, actor: "alice", sessionID: "s1")

            let (resumed, resume) = AsyncStream.makeStream(of: Void.self)
            #expect(recorder.waitForRoom { resume.yield() } == false)

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
                #expect(recorder.waitForRoom {} == true)
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
}
