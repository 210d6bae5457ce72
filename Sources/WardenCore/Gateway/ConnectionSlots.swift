import Synchronization

/// Counts the client connections open across all listeners against
/// `limits.max_connections`, and the refusals beyond it.
///
/// Thread-safe: every listener's event loops accept and close connections.
final class ConnectionSlots: Sendable {
    private struct State {
        var open = 0
        /// Refused connections still being told why (see ``ConnectionRefusal``).
        var lingering = 0
        var refusedSinceLog = 0
        var lastLog: ContinuousClock.Instant?
    }

    /// Client connections that may be open at once.
    let limit: Int
    /// Refused connections that may wait at once for the client to read
    /// why; beyond it they are closed without a word.
    let lingerLimit: Int
    /// At most one log line about refusals per this interval, whatever their number.
    static let logInterval = Duration.seconds(10)

    private let state = Mutex(State())

    init(limit: Int, lingerLimit: Int = 64) {
        self.limit = limit
        self.lingerLimit = lingerLimit
    }

    /// Takes a slot for a new connection, or false when all are taken.
    func acquire() -> Bool {
        state.withLock { state in
            guard state.open < limit else { return false }
            state.open += 1
            return true
        }
    }

    /// Gives back the slot of a connection that closed.
    func release() {
        state.withLock { $0.open -= 1 }
    }

    var open: Int { state.withLock { $0.open } }

    /// Counts one refusal. Returns whether the refused connection may linger
    /// to be told why, and, when a log line is due, how many connections
    /// were refused since the last one.
    func refused(now: ContinuousClock.Instant = .now) -> (linger: Bool, logCount: Int?) {
        state.withLock { state in
            state.refusedSinceLog += 1
            var logCount: Int?
            if state.lastLog.map({ now - $0 >= Self.logInterval }) ?? true {
                logCount = state.refusedSinceLog
                state.refusedSinceLog = 0
                state.lastLog = now
            }
            let linger = state.lingering < lingerLimit
            if linger { state.lingering += 1 }
            return (linger, logCount)
        }
    }

    /// A refused connection that lingered has closed.
    func refusalClosed() {
        state.withLock { $0.lingering -= 1 }
    }
}
