import CWardenPlugin

/// The plugin-wide view of the host: logging and out-of-band messages.
/// Callable from any thread.
public struct PluginHost: @unchecked Sendable {
    // @unchecked: the table is immutable and lives as long as the process.
    let api: UnsafePointer<warden_host_api>

    init(api: UnsafePointer<warden_host_api>) {
        self.api = api
    }

    /// Writes a line to the host's log, attributed to this plugin.
    public func log(_ level: LogLevel, _ message: String) {
        withBorrowedBytes(message) { api.pointee.log?(level.rawValue, $0) }
    }

    /// Opens an unauthenticated side connection to `connection`'s upstream,
    /// sends `bytes` and closes it (PostgreSQL's CancelRequest, for example).
    public func sendOutOfBand(connection: String, bytes: [UInt8]) throws(HostStatus) {
        let status = withBorrowedBytes(connection) { name in
            bytes.withUnsafeBytes { raw in
                withBorrowedBytes(raw) { payload in api.pointee.send_out_of_band?(name, payload) }
            }
        }
        try check(status)
    }

    /// Ends the wait of an action that `session` holds for a human approval,
    /// because its client asked to cancel on another connection: the host
    /// withdraws the approval and that session's decide completes with a
    /// denial. Nothing happens when nothing is held. ABI 1.2; an older host
    /// throws `.unsupported`.
    public func cancelHeld(session: SessionHandle, reason: String) throws(HostStatus) {
        guard sizeCovers(api.pointee.size, \warden_host_api.cancel_held) else { throw HostStatus.unsupported }
        let status = withBorrowedBytes(reason) { api.pointee.cancel_held?(session.rawValue, $0) }
        try check(status)
    }
}

/// ABI 1.4: brings a session back to its event loop from any thread, once.
///
/// Work too long for an event loop (every session on that loop would wait
/// for it) runs on a thread of the plugin's own; when it is done, that
/// thread calls ``wake()``, and the session receives ``Completion/woken(_:)``
/// with ``request`` on its own loop, where it may use the result.
public struct Waker: Sendable {
    let host: PluginHost
    let session: SessionHandle
    /// The id the ``Completion/woken(_:)`` completion carries.
    public let request: RequestID

    /// Callable from any thread. Throws `.notFound` when the session has
    /// ended (no completion follows).
    public func wake() throws(HostStatus) {
        try check(host.api.pointee.wake?(session.rawValue, request))
    }
}

/// Names a session to the host from outside its callbacks (see
/// ``PluginHost/cancelHeld(session:reason:)``); ``SessionContext/handle``.
public struct SessionHandle: Sendable, Hashable {
    public let rawValue: UInt64

    public init(rawValue: UInt64) {
        self.rawValue = rawValue
    }
}

/// Turns a host call's status into success or a thrown ``HostStatus``.
/// A missing function (`nil`) or an unknown code fails closed.
func check(_ status: warden_status?) throws(HostStatus) {
    guard let status else { throw HostStatus.unsupported }
    let code = HostStatus(code: status.rawValue)
    guard code == .ok else { throw code }
}
