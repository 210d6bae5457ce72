import Logging
import ServiceLifecycle

/// The gateway's one writer to the store and the audit trail: sessions hand
/// it events without waiting, and it applies them in order. Runs as a service
/// so pending events are written before the process exits.
public final class Recorder: Service, Sendable {
    private enum Item {
        case record(RecordEvent)
        case audit(kind: String, actor: String, sessionID: String?, detail: [String: String])
    }

    private let store: RecordStore
    private let audit: AuditLog
    private let logger: Logger
    private let stream: AsyncStream<Item>
    private let continuation: AsyncStream<Item>.Continuation

    public init(store: RecordStore, audit: AuditLog, logger: Logger) {
        self.store = store
        self.audit = audit
        self.logger = logger
        (stream, continuation) = AsyncStream.makeStream(of: Item.self)
    }

    /// Queues a session or statement record; never blocks.
    public func record(_ event: RecordEvent) {
        continuation.yield(.record(event))
    }

    /// Queues an audit event (see ``AuditKind``); never blocks.
    public func audit(_ kind: String, actor: String, sessionID: String? = nil, detail: [String: String] = [:]) {
        continuation.yield(.audit(kind: kind, actor: actor, sessionID: sessionID, detail: detail))
    }

    /// Writes events until graceful shutdown, then the ones still queued.
    /// The service group stops this service only after the listeners it was
    /// started before, so every session's last events are written.
    public func run() async throws {
        await withGracefulShutdownHandler {
            for await item in stream {
                do {
                    switch item {
                    case .record(let event):
                        try await store.apply(event)
                    case .audit(let kind, let actor, let sessionID, let detail):
                        try await audit.append(kind: kind, actor: actor, sessionID: sessionID, detail: detail)
                    }
                } catch {
                    logger.error("could not write to the record store", metadata: ["store": "\(store.path)", "error": "\(error)"])
                }
            }
        } onGracefulShutdown: {
            self.continuation.finish()
        }
    }
}
