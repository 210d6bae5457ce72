import Synchronization

/// Hands out the connection ids clients see in the greeting: the
/// gateway's own, never the upstream's, shared by every session.
package final class ConnectionIDs: Sendable {
    private let last = Atomic<UInt32>(0)

    package init() {}

    package func next() -> UInt32 {
        last.add(1, ordering: .relaxed).newValue
    }
}
