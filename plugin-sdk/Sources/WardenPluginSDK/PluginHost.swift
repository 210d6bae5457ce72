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
}

/// Turns a host call's status into success or a thrown ``HostStatus``.
/// A missing function (`nil`) or an unknown code fails closed.
func check(_ status: warden_status?) throws(HostStatus) {
    guard let status else { throw HostStatus.unsupported }
    let code = HostStatus(code: status.rawValue)
    guard code == .ok else { throw code }
}
