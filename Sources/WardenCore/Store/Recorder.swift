import Logging
import ServiceLifecycle
import Synchronization

/// The gateway's one writer to the store and the audit trail: sessions hand
/// it events without waiting, and it applies them in order. Runs as a service
/// so pending events are written before the process exits.
///
/// Events are written in batches, each in one transaction per table group:
/// under load a commit (an fsync) per statement would cost more than the
/// statement itself.
public final class Recorder: Service, Sendable {
    private let store: RecordStore
    private let audit: AuditLog
    private let logger: Logger
    private let pending = Mutex<(records: [RecordEvent], audits: [AuditEntry])>(([], []))
    /// Wakes the writer; at most one wake-up waits, however many events arrive.
    private let wakeUps: AsyncStream<Void>
    private let wake: AsyncStream<Void>.Continuation

    public init(store: RecordStore, audit: AuditLog, logger: Logger) {
        self.store = store
        self.audit = audit
        self.logger = logger
        (wakeUps, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Queues a session or statement record; never blocks.
    public func record(_ event: RecordEvent) {
        pending.withLock { $0.records.append(event) }
        wake.yield()
    }

    /// Queues an audit event (see ``AuditKind``); never blocks.
    public func audit(_ kind: String, actor: String, sessionID: String? = nil, detail: [String: String] = [:]) {
        pending.withLock { $0.audits.append(AuditEntry(kind: kind, actor: actor, sessionID: sessionID, detail: detail)) }
        wake.yield()
    }

    /// Writes events until graceful shutdown, then the ones still queued.
    /// The service group stops this service only after the listeners it was
    /// started before, so every session's last events are written.
    public func run() async throws {
        await withGracefulShutdownHandler {
            for await _ in wakeUps {
                await writePending()
            }
            await writePending()
        } onGracefulShutdown: {
            self.wake.finish()
        }
    }

    private func writePending() async {
        let (records, audits) = pending.withLock { batch in
            defer { batch = ([], []) }
            return batch
        }
        do {
            try await store.apply(all: records)
        } catch {
            logger.error("could not write \(records.count) records to the store", metadata: [
                "store": "\(store.path)", "error": "\(error)",
            ])
        }
        do {
            try await audit.append(all: audits)
        } catch {
            logger.error("could not append \(audits.count) events to the audit trail", metadata: [
                "store": "\(store.path)", "error": "\(error)",
            ])
        }
    }
}
