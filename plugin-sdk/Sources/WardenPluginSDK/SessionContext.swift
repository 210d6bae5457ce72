import CWardenPlugin

/// A session's handle on the host: everything a protocol session may ask of
/// it. Use it only from within the session's own callbacks, which the host
/// runs serially on the session's event loop.
///
/// Asynchronous requests return a ``RequestID``; their result arrives later in
/// ``ProtocolSession/completed(_:)`` carrying the same id.
public final class SessionContext {
    let api: UnsafePointer<warden_host_api>
    let session: warden_session
    private var lastRequestID: RequestID = 0

    init(api: UnsafePointer<warden_host_api>, session: warden_session) {
        self.api = api
        self.session = session
    }

    /// The plugin-wide host, for logging.
    public var host: PluginHost { PluginHost(api: api) }

    /// This session's name for host calls made from elsewhere, such as
    /// another session's cancel request (``PluginHost/cancelHeld(session:reason:)``).
    public var handle: SessionHandle { SessionHandle(rawValue: session) }

    private func nextRequestID() -> RequestID {
        lastRequestID += 1
        return lastRequestID
    }

    /// ABI 1.4: a handle that another thread uses to bring this session back
    /// to its event loop (see ``Waker``). An older host throws `.unsupported`:
    /// do the work here instead.
    public func makeWaker() throws(HostStatus) -> Waker {
        guard sizeCovers(api.pointee.size, \warden_host_api.wake) else { throw HostStatus.unsupported }
        return Waker(host: host, session: handle, request: nextRequestID())
    }

    /// Queues bytes for one side. The host copies them and flushes when the
    /// current callback returns.
    public func write(_ bytes: UnsafeRawBufferPointer, to side: Side) throws(HostStatus) {
        let status = withBorrowedBytes(bytes) { api.pointee.write?(session, side.rawValue, $0) }
        try check(status)
    }

    /// Queues bytes for one side.
    public func write(_ bytes: [UInt8], to side: Side) throws(HostStatus) {
        let status = bytes.withUnsafeBytes { raw in
            withBorrowedBytes(raw) { api.pointee.write?(session, side.rawValue, $0) }
        }
        try check(status)
    }

    /// Upgrades one side to TLS now; bytes already written go out in clear first.
    @discardableResult
    public func startTLS(_ side: Side) throws(HostStatus) -> RequestID {
        let id = nextRequestID()
        try check(api.pointee.start_tls?(session, side.rawValue, id))
        return id
    }

    /// ABI 1.6: upgrades one side to TLS, feeding the handshake `received`,
    /// the bytes that came after the request for TLS (a MySQL client's
    /// ClientHello follows its SSLRequest without waiting). An older host
    /// throws `.unsupported`.
    @discardableResult
    public func startTLS(_ side: Side, replaying received: [UInt8]) throws(HostStatus) -> RequestID {
        guard !received.isEmpty else { return try startTLS(side) }
        guard sizeCovers(api.pointee.size, \warden_host_api.start_tls_replaying) else { throw HostStatus.unsupported }
        let id = nextRequestID()
        let status = received.withUnsafeBytes { raw in
            withBorrowedBytes(raw) { api.pointee.start_tls_replaying?(session, side.rawValue, id, $0) }
        }
        try check(status)
        return id
    }

    /// Asks the host to validate the client's bearer token for `connection`.
    @discardableResult
    public func authenticate(token: String, connection: String, clientUser: String) throws(HostStatus) -> RequestID {
        let id = nextRequestID()
        let status = withBorrowedBytes(token) { secret in
            withBorrowedBytes(connection) { connection in
                withBorrowedBytes(clientUser) { user in
                    var credential = warden_credential(
                        size: UInt32(MemoryLayout<warden_credential>.size),
                        kind: WARDEN_CREDENTIAL_BEARER_TOKEN.rawValue,
                        secret: secret, connection: connection, client_user: user)
                    return api.pointee.authenticate?(session, &credential, id)
                }
            }
        }
        try check(status)
        return id
    }

    /// Opens the upstream of `connection` with the gateway-held credentials.
    @discardableResult
    public func openUpstream(connection: String) throws(HostStatus) -> RequestID {
        let id = nextRequestID()
        let status = withBorrowedBytes(connection) { api.pointee.open_upstream?(session, $0, id) }
        try check(status)
        return id
    }

    /// Asks the host's policy for a verdict on `action`.
    @discardableResult
    public func decide(_ action: Action) throws(HostStatus) -> RequestID {
        let id = nextRequestID()
        // One buffer holds every string the call lends: a verdict is asked
        // for every statement, so this path allocates as little as it can.
        var arena = ByteArena()
        let text = arena.add(action.text)
        let targets = action.targets.map { arena.add($0) }
        let attributes = action.attributes.map { (key: arena.add($0.key), value: arena.add($0.value)) }
        let status = arena.bytes.withUnsafeBufferPointer { base in
            let targetBytes = targets.map { ByteArena.slice(base, $0) }
            let pairs = attributes.map { warden_pair(key: ByteArena.slice(base, $0.key), value: ByteArena.slice(base, $0.value)) }
            return targetBytes.withUnsafeBufferPointer { targetBytes in
                pairs.withUnsafeBufferPointer { pairs in
                    var descriptor = warden_action(
                        size: UInt32(MemoryLayout<warden_action>.size),
                        kind: action.kind.rawValue, classification: action.classification.rawValue,
                        risk: action.risk.rawValue, text: ByteArena.slice(base, text),
                        targets: targetBytes.baseAddress, target_count: targetBytes.count,
                        attributes: pairs.baseAddress, attribute_count: pairs.count)
                    return api.pointee.decide?(session, &descriptor, id)
                }
            }
        }
        try check(status)
        return id
    }

    /// Stops delivering one side's bytes until ``resume(_:)``.
    public func pause(_ side: Side) throws(HostStatus) {
        try check(api.pointee.set_paused?(session, side.rawValue, 1))
    }

    /// Resumes delivery of a paused side.
    public func resume(_ side: Side) throws(HostStatus) {
        try check(api.pointee.set_paused?(session, side.rawValue, 0))
    }

    /// Writes a line about this session to the host's log; the host adds the
    /// session's id, client and identity.
    public func log(_ level: LogLevel, _ message: String) {
        _ = withBorrowedBytes(message) { api.pointee.session_log?(session, level.rawValue, $0) }
    }

    /// Closes the session once pending writes are flushed.
    public func close() throws(HostStatus) {
        try check(api.pointee.close?(session))
    }

    /// ABI 1.5, with ``Capabilities/upstreamReconnect``: closes the upstream
    /// connection once what was written to it is flushed; the client's
    /// stays, and ``Completion/upstreamClosed(reason:)`` follows.
    public func closeUpstream() throws(HostStatus) {
        guard sizeCovers(api.pointee.size, \warden_host_api.close_upstream) else { throw HostStatus.unsupported }
        try check(api.pointee.close_upstream?(session))
    }
}
