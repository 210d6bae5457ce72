import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// The gateway's one writer to the store and the audit trail: sessions hand
/// it events without waiting, and it applies them in order. Runs as a service
/// so pending events are written before the process exits.
///
/// Events are written in batches, each batch's records and audit events in
/// one transaction (see ``RecordStore/apply(all:audits:now:)``): under load a
/// commit per statement would cost more than the statement itself, and a
/// record is never committed without its audit event. After a batch the
/// writer waits ``batchInterval`` before the next, so that a busy gateway
/// writes a few large batches a second rather than waking the writer for
/// every statement.
///
/// Nothing is dropped. A write that fails (the file is locked by another
/// process for longer than the busy timeout, the disk is full) is retried,
/// with backoff, together with whatever arrived meanwhile, until it
/// succeeds. While writes fail, and while the queue is ``backlogLimit``
/// events long or holds ``backlogBytes`` of records (results captured for
/// replay make some events tens of kilobytes: an HTTP client fetching large
/// bodies faster than SQLite stores them grew the gateway by 2 GB in 20
/// seconds), new statements are not admitted (``admit(_:)``): they wait,
/// and the gateway refuses those that wait too long, rather than run
/// statements that might never be recorded or let the queue grow without
/// bound.
public final class Recorder: Service, Sendable {
    /// Whether a new statement may go ahead; see ``admit(_:)``.
    public enum Admission: Sendable, Equatable {
        /// Go ahead.
        case now
        /// Wait: the closure passed to ``admit(_:)`` is called once the
        /// recorder can take the statement's records. Pass the ticket to
        /// ``withdraw(_:)`` to stop waiting.
        case wait(ticket: UInt64)
    }

    private struct State {
        var records: [RecordEvent] = []
        var audits: [AuditEntry] = []
        /// Statements waiting for the recorder, by ticket.
        var waiting: [UInt64: @Sendable () -> Void] = [:]
        var nextTicket: UInt64 = 0
        /// Roughly what the queued events hold, in bytes (``RecordEvent/weight``).
        var bytes = 0
        /// When the log last said that statements wait, and how many began
        /// waiting since: a gateway under load would say it every batch.
        var lastWaitReport: ContinuousClock.Instant?
        var waitsSinceReport = 0
        /// When the write that keeps failing first failed; nil while writes succeed.
        var failingSince: ContinuousClock.Instant?
        var count: Int { records.count + audits.count }
    }

    private let store: RecordStore
    private let logger: Logger
    private let backlogLimit: Int
    private let backlogBytes: Int
    private let retry: RetryBackoff
    private let state = Mutex(State())
    /// Wakes the writer; at most one wake-up waits, however many events arrive.
    private let wakeUps: AsyncStream<Void>
    private let wake: AsyncStream<Void>.Continuation

    /// How long the writer lets events gather after writing a batch.
    static let batchInterval = Duration.milliseconds(20)

    /// - Parameters:
    ///   - backlogLimit: queued events beyond which new statements wait for
    ///     the writer; a few hundred bytes each, without results.
    ///   - backlogBytes: what queued events may hold in all, results
    ///     included, before new statements wait for the writer.
    ///   - retry: the pauses between attempts at a write that failed.
    public init(
        store: RecordStore, logger: Logger, backlogLimit: Int = 50_000, backlogBytes: Int = 16 << 20,
        retry: RetryBackoff = RetryBackoff()
    ) {
        self.store = store
        self.logger = logger
        self.backlogLimit = backlogLimit
        self.backlogBytes = backlogBytes
        self.retry = retry
        (wakeUps, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Queues a session or statement record; never blocks.
    public func record(_ event: RecordEvent) {
        let weight = event.weight
        enqueue {
            $0.records.append(event)
            $0.bytes += weight
        }
    }

    /// Queues an audit event (see ``AuditKind``); never blocks.
    public func audit(_ kind: String, actor: String, sessionID: String? = nil, detail: [String: String] = [:]) {
        let entry = AuditEntry(kind: kind, actor: actor, sessionID: sessionID, detail: detail, at: Date())
        let weight = entry.weight
        enqueue {
            $0.audits.append(entry)
            $0.bytes += weight
        }
    }

    private func enqueue(_ add: (inout State) -> Void) {
        let first = state.withLock { state in
            add(&state)
            return state.count == 1
        }
        // The writer takes the whole queue at once: it needs waking only
        // when the queue was empty.
        if first { wake.yield() }
    }

    /// Whether the last write failed and the writer is retrying it.
    public var isStoreFailing: Bool {
        state.withLock { $0.failingSince != nil }
    }

    /// Whether a new statement may go ahead now. It may not while writes to
    /// the store fail, or when the queue is ``backlogLimit`` events long or
    /// holds ``backlogBytes``:
    /// then `resume` is called (on the writer's task) once the writer has
    /// taken the queue and the store takes writes again.
    public func admit(_ resume: @escaping @Sendable () -> Void) -> Admission {
        let (admission, report, failing) = state.withLock { state -> (Admission, Int?, Bool) in
            let failing = state.failingSince != nil
            guard failing || state.count >= backlogLimit || state.bytes >= backlogBytes else { return (.now, nil, failing) }
            state.nextTicket += 1
            state.waiting[state.nextTicket] = resume
            state.waitsSinceReport += 1
            let now = ContinuousClock.now
            guard state.lastWaitReport.map({ now - $0 >= Self.reportInterval }) ?? true else {
                return (.wait(ticket: state.nextTicket), nil, failing)
            }
            defer {
                state.lastWaitReport = now
                state.waitsSinceReport = 0
            }
            return (.wait(ticket: state.nextTicket), state.waitsSinceReport, failing)
        }
        if let report {
            let why = failing
                ? "the store cannot be written (the writer retries)"
                : "the store is \(backlogLimit) events or \(backlogBytes >> 20) MiB of records behind"
            logger.warning("\(why): new statements wait for the recorder", metadata: [
                "store": "\(store.path)", "waits_since_last_report": "\(report)",
                "report_interval": "\(DurationText.format(Self.reportInterval))",
            ])
        }
        return admission
    }

    /// Stops a wait that ``admit(_:)`` began; its closure will not be called.
    public func withdraw(_ ticket: UInt64) {
        _ = state.withLock { $0.waiting.removeValue(forKey: ticket) }
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
            if self.isStoreFailing {
                self.logger.warning("""
                    shutting down while the store cannot be written: warden exits once the events it holds are \
                    written; stopping it with SIGKILL loses them
                    """, metadata: ["store": "\(self.store.path)"])
            }
            self.wake.finish()
        }
    }

    /// Takes the queue and writes it. A write that fails is retried, after
    /// a pause and together with what was queued meanwhile, until it
    /// succeeds: the trail gets no holes.
    private func writePending() async {
        var records: [RecordEvent] = []
        var audits: [AuditEntry] = []
        var attempts = 0
        var lastReport = ContinuousClock.now
        while true {
            let (taken, resumed) = state.withLock { state in
                let taken = (records: state.records, audits: state.audits)
                state.records = []
                state.audits = []
                state.bytes = 0
                // While writes fail, statements keep waiting.
                guard state.failingSince == nil else { return (taken, [@Sendable () -> Void]()) }
                defer { state.waiting = [:] }
                return (taken, Array(state.waiting.values))
            }
            records += taken.records
            audits += taken.audits
            for resume in resumed { resume() }
            guard !records.isEmpty || !audits.isEmpty else { return }
            do {
                try await store.apply(all: records, audits: audits)
                storeWritable(records: records.count, audits: audits.count, attempts: attempts)
                return
            } catch {
                attempts += 1
                let since = state.withLock { state in
                    if state.failingSince == nil { state.failingSince = .now }
                    return state.failingSince!
                }
                let metadata: Logger.Metadata = [
                    "store": "\(store.path)", "error": "\(error)",
                    "records": "\(records.count)", "audit_events": "\(audits.count)",
                ]
                if attempts == 1 {
                    logger.error("""
                        could not write to the store; retrying until it succeeds, and new statements wait for it \
                        meanwhile
                        """, metadata: metadata)
                    lastReport = .now
                } else if ContinuousClock.now - lastReport >= Self.reportInterval {
                    logger.error("""
                        the store still cannot be written after \(DurationText.format(ContinuousClock.now - since)) \
                        (\(attempts) attempts); the events wait in memory
                        """, metadata: metadata)
                    lastReport = .now
                }
                guard !Task.isCancelled else {
                    logger.critical("""
                        the recorder was stopped while the store could not be written: \(records.count) records and \
                        \(audits.count) audit events are lost
                        """, metadata: ["store": "\(store.path)"])
                    return
                }
                try? await Task.sleep(for: retry.pause(after: attempts))
            }
        }
    }

    /// A write succeeded: if earlier ones had failed, say so and let the
    /// waiting statements go.
    private func storeWritable(records: Int, audits: Int, attempts: Int) {
        let (since, resumed) = state.withLock { state in
            let since = state.failingSince
            state.failingSince = nil
            guard since != nil else { return (since, [@Sendable () -> Void]()) }
            defer { state.waiting = [:] }
            return (since, Array(state.waiting.values))
        }
        if let since {
            logger.notice("""
                the store can be written again after \(DurationText.format(ContinuousClock.now - since)) \
                (\(attempts + 1) attempts): the \(records) records and \(audits) audit events that waited are written
                """, metadata: ["store": "\(store.path)"])
        }
        for resume in resumed { resume() }
    }

    /// How often a store that keeps failing is logged again.
    static let reportInterval = Duration.seconds(30)
}

/// The pauses between attempts at a store write that failed: doubling from
/// `first` up to `maximum`.
public struct RetryBackoff: Sendable {
    public var first: Duration
    public var maximum: Duration

    public init(first: Duration = .milliseconds(100), maximum: Duration = .seconds(5)) {
        self.first = first
        self.maximum = maximum
    }

    /// The pause after `attempts` failed attempts (1 or more).
    public func pause(after attempts: Int) -> Duration {
        var pause = first
        for _ in 1..<max(attempts, 1) where pause < maximum {
            pause *= 2
        }
        return min(pause, maximum)
    }
}
