import CWardenPlugin
import NIOCore
import Synchronization

/// Maps the handles plugins hold to live sessions.
///
/// A handle is a 64-bit id that is never reused, so it carries its own
/// generation: a call or completion naming a session that has closed finds
/// nothing and gets `WARDEN_NOT_FOUND`, never another session.
final class SessionRegistry: Sendable {
    static let shared = SessionRegistry()

    /// A bridge is used only on its event loop; the box carries it across the
    /// lock, and `bridge(for:)` checks the loop before handing it out.
    private struct Entry: @unchecked Sendable {
        let bridge: SessionBridge
        let eventLoop: any EventLoop
        /// The protocol plugin that serves the session.
        let plugin: String
    }

    private let sessions = Mutex<(next: UInt64, entries: [UInt64: Entry])>((1, [:]))

    func register(_ bridge: SessionBridge, on eventLoop: any EventLoop, plugin: String) -> warden_session {
        sessions.withLock { state in
            let handle = state.next
            state.next += 1
            state.entries[handle] = Entry(bridge: bridge, eventLoop: eventLoop, plugin: plugin)
            return handle
        }
    }

    func unregister(_ handle: warden_session) {
        _ = sessions.withLock { $0.entries.removeValue(forKey: handle) }
    }

    /// The live session for `handle`, if the caller is on its event loop.
    func bridge(for handle: warden_session) -> SessionBridge? {
        guard let entry = sessions.withLock({ $0.entries[handle] }), entry.eventLoop.inEventLoop else { return nil }
        return entry.bridge
    }

    var count: Int { sessions.withLock { $0.entries.count } }
}

extension SessionRegistry {
    /// Runs `body` with the session's bridge on the session's event loop, from
    /// any thread; false when no such session is alive.
    @discardableResult
    ///   A session another plugin serves is not found: `plugin` is the caller.
    func onLoop(of handle: warden_session, plugin: String, _ body: @escaping @Sendable (SessionBridge) -> Void) -> Bool {
        guard let entry = sessions.withLock({ $0.entries[handle] }), entry.plugin == plugin else { return false }
        // The entry carries the bridge across threads; it is touched only on its loop.
        entry.eventLoop.execute { body(entry.bridge) }
        return true
    }

    /// Asks every live session to close (used when the shutdown deadline
    /// passes; called from a task, not from any session's loop).
    func closeAll() {
        let entries = sessions.withLock { Array($0.entries.values) }
        for entry in entries {
            entry.eventLoop.execute { entry.bridge.closeWhenFlushed() }
        }
    }
}
