import Foundation

/// Where a cancel request for one session must go: the upstream's own key
/// and the connection (as the client named it) that leads to that upstream.
struct CancelTarget: Sendable, Equatable {
    var connection: String
    var upstreamKey: BackendKey
    /// The host's handle of the session the key belongs to, so that a cancel
    /// can also end a wait for approval there; 0 when unknown.
    var session: UInt64 = 0
}

/// The plugin-wide cancel-key map as a ``PostgresSessionMachine`` sees it.
///
/// Injected so that the machine stays pure: tests pass their own.
protocol CancelKeyRegistry: AnyObject, Sendable {
    /// Records `target` under a fresh, unique key that Warden gives the client.
    func register(_ target: CancelTarget) -> BackendKey
    /// The target a client key stands for, if the session is still alive.
    func target(for key: BackendKey) -> CancelTarget?
    /// Forgets a key when its session ends.
    func release(_ key: BackendKey)
}

/// Maps the cancel keys Warden hands to clients to the upstream's keys.
///
/// Warden never relays the upstream's BackendKeyData: a client could otherwise
/// cancel queries of any session on that upstream that it can guess or learn.
/// A cancel request arrives on a new connection, handled by a different
/// session machine, so the table is shared by the whole plugin; the adapter
/// owns one instance and passes it to every session.
final class CancelKeyTable: CancelKeyRegistry, @unchecked Sendable {
    // NSLock rather than Synchronization.Mutex: Mutex needs macOS 15 and the
    // package still targets macOS 14. Every access to `targets` holds `lock`.
    private let lock = NSLock()
    private var targets: [BackendKey: CancelTarget] = [:]

    init() {}

    var count: Int { lock.withLock { targets.count } }

    func register(_ target: CancelTarget) -> BackendKey {
        var generator = SystemRandomNumberGenerator()
        return lock.withLock {
            while true {
                // Positive process ids, like real backends; the secret is what
                // makes the key unguessable.
                let key = BackendKey(processID: Int32.random(in: 1...Int32.max, using: &generator),
                                     secretKey: Int32.random(in: .min ... .max, using: &generator))
                if targets[key] == nil {
                    targets[key] = target
                    return key
                }
            }
        }
    }

    func target(for key: BackendKey) -> CancelTarget? {
        lock.withLock { targets[key] }
    }

    func release(_ key: BackendKey) {
        _ = lock.withLock { targets.removeValue(forKey: key) }
    }
}
