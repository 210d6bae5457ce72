import Logging
import ServiceLifecycle

/// The gateway's one writer to the store: sessions hand it events without
/// waiting, and it applies them in order. Runs as a service so pending
/// events are written before the process exits.
public final class Recorder: Service, Sendable {
    private let store: RecordStore
    private let logger: Logger
    private let stream: AsyncStream<RecordEvent>
    private let continuation: AsyncStream<RecordEvent>.Continuation

    public init(store: RecordStore, logger: Logger) {
        self.store = store
        self.logger = logger
        (stream, continuation) = AsyncStream.makeStream(of: RecordEvent.self)
    }

    /// Queues an event; never blocks.
    public func record(_ event: RecordEvent) {
        continuation.yield(event)
    }

    /// Writes events until graceful shutdown, then the ones still queued.
    /// The service group stops this service only after the listeners it was
    /// started before, so every session's last events are written.
    public func run() async throws {
        await withGracefulShutdownHandler {
            for await event in stream {
                do {
                    try await store.apply(event)
                } catch {
                    logger.error("could not write to the record store", metadata: ["store": "\(store.path)", "error": "\(error)"])
                }
            }
        } onGracefulShutdown: {
            self.continuation.finish()
        }
    }
}
