import Synchronization

/// Counts, per client address, the connections that have not signed in yet,
/// against `limits.max_signing_in_per_address`.
///
/// Without it, one host that opens connections and never signs in holds
/// every slot of `max_connections` (each for up to `sign_in_timeout`, and
/// again with the next batch), and nobody else can sign in. Signed-in
/// sessions do not count: a busy application server is not limited here.
///
/// Thread-safe: every listener's event loops accept and close connections.
final class PendingSignIns: Sendable {
    let limitPerAddress: Int
    private let pending = Mutex<[String: Int]>([:])

    init(limitPerAddress: Int) {
        self.limitPerAddress = limitPerAddress
    }

    /// Counts a new connection from `address`, or false when that address
    /// already has its limit of connections signing in.
    func acquire(_ address: String) -> Bool {
        pending.withLock { pending in
            let count = pending[address, default: 0]
            guard count < limitPerAddress else { return false }
            pending[address] = count + 1
            return true
        }
    }

    /// The connection signed in, or closed before it did.
    func release(_ address: String) {
        pending.withLock { pending in
            guard let count = pending[address] else { return }
            pending[address] = count > 1 ? count - 1 : nil
        }
    }

    func count(_ address: String) -> Int {
        pending.withLock { $0[address, default: 0] }
    }
}
