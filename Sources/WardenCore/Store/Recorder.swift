import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// The gateway's one writer to the store and the audit trail: sessions hand
/// it events without waiting, and it applies them in order. Runs as a service
/// so pending events are written before the process exits.
///
/// Events are written in batches, each in one transaction per table group:
/// under load a commit per statement would cost more than the statement
/// itself. After a batch the writer waits ``batchInterval`` before the next,
/// so that a busy gateway writes a few large batches a second rather than
/// waking the writer for every statement.
///
/// The queue is bounded. Dropping records would leave holes in the audit
/// trail, so when the store falls ``backlogLimit`` events behind, new
/// statements wait (``waitForRoom(_:)``) until the writer has taken the
/// queue: the gateway slows to the store's pace instead of growing without
/// bound.
public final class Recorder: Service, Sendable {
    private struct Queue {
        var records: [RecordEvent] = []
        var audits: [AuditEntry] = []
        /// Sessions waiting for room, resumed when the writer takes the queue.
        var waiting: [@Sendable () -> Void] = []
        var count: Int { records.count + audits.count }
    }

    private let store: RecordStore
    private let audit: AuditLog
    private let logger: Logger
    private let backlogLimit: Int
    private let queue = Mutex(Queue())
    /// Wakes the writer; at most one wake-up waits, however many events arrive.
    private let wakeUps: AsyncStream<Void>
    private let wake: AsyncStream<Void>.Continuation

    /// How long the writer lets events gather after writing a batch.
    static let batchInterval = Duration.milliseconds(20)

    /// - Parameter backlogLimit: queued events beyond which new statements
    ///   wait for the writer; a few hundred bytes each.
    public init(store: RecordStore, audit: AuditLog, logger: Logger, backlogLimit: Int = 50_000) {
        self.store = store
        self.audit = audit
        self.logger = logger
        self.backlogLimit = backlogLimit
        (wakeUps, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Queues a session or statement record; never blocks.
    public func record(_ event: RecordEvent) {
        enqueue { $0.records.append(event) }
    }

    /// Queues an audit event (see ``AuditKind``); never blocks.
    public func audit(_ kind: String, actor: String, sessionID: String? = nil, detail: [String: String] = [:]) {
        let entry = AuditEntry(kind: kind, actor: actor, sessionID: sessionID, detail: detail, at: Date())
        enqueue { $0.audits.append(entry) }
    }

    private func enqueue(_ add: (inout Queue) -> Void) {
        let first = queue.withLock { queue in
            add(&queue)
            return queue.count == 1
        }
        // The writer takes the whole queue at once: it needs waking only
        // when the queue was empty.
        if first { wake.yield() }
    }

    /// Whether a new statement may go ahead now. When the backlog is full it
    /// may not: `resume` is called (on the writer's thread) once the writer
    /// has taken the queue, and false is returned.
    public func waitForRoom(_ resume: @escaping @Sendable () -> Void) -> Bool {
        let (room, firstToWait) = queue.withLock { queue in
            guard queue.count >= backlogLimit else { return (true, false) }
            queue.waiting.append(resume)
            return (false, queue.waiting.count == 1)
        }
        if firstToWait {
            logger.warning("the store is \(backlogLimit) events behind: new statements wait for the recorder", metadata: [
                "store": "\(store.path)",
            ])
        }
        return room
    }

    /// Writes events until graceful shutdown, then the ones still queued.
    /// The service group stops this service only after the listeners it was
    /// started before, so every session's last events are written.
    public func run() async throws {
        await withGracefulShutdownHandler {
            for await _ in wakeUps {
                await writePending()
                try? await Task.sleep(for: Self.batchInterval)
            }
            await writePending()
        } onGracefulShutdown: {
            self.wake.finish()
        }
    }

    private func writePending() async {
        let batch = queue.withLock { queue in
            defer { queue = Queue() }
            return queue
        }
        for resume in batch.waiting { resume() }
        do {
            try await store.apply(all: batch.records)
        } catch {
            logger.error("could not write \(batch.records.count) records to the store", metadata: [
                "store": "\(store.path)", "error": "\(error)",
            ])
        }
        do {
            try await audit.append(all: batch.audits)
        } catch {
            logger.error("could not append \(batch.audits.count) events to the audit trail", metadata: [
                "store": "\(store.path)", "error": "\(error)",
            ])
        }
    }
}
