import Synchronization
import WardenPluginSDK

/// Every signed-in MySQL session of the plugin by the connection id its
/// client saw in the greeting: how a `KILL QUERY <id>` from another
/// connection (the mariadb client's Ctrl-C) finds the upstream thread to
/// stop, and whose it is.
package final class SessionDirectory: Sendable {
    struct Entry: Sendable, Equatable {
        var subject: String
        var connection: String
        var upstreamThread: UInt32
        var session: SessionHandle
    }

    private let entries = Mutex<[UInt32: Entry]>([:])

    package init() {}

    func register(_ id: UInt32, _ entry: Entry) {
        entries.withLock { $0[id] = entry }
    }

    func remove(_ id: UInt32) {
        _ = entries.withLock { $0.removeValue(forKey: id) }
    }

    /// The session `id`, whoever it is: for a KILL whose token is checked next.
    func entry(_ id: UInt32) -> Entry? {
        entries.withLock { $0[id] }
    }

    /// The session `id` if `subject` signed it in on `connection`; nobody may
    /// reach another person's session, or learn that it exists.
    func entry(_ id: UInt32, subject: String, connection: String) -> Entry? {
        entries.withLock { entries in
            guard let entry = entries[id], entry.subject == subject, entry.connection == connection else { return nil }
            return entry
        }
    }
}
