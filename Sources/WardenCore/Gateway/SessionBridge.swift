import CWardenPlugin
import Foundation
import Logging
import NIOCore
import NIOPosix
import NIOSSL

/// One client session: the bridge between its two channels and the protocol
/// plugin that handles it. Lives on the client channel's event loop; every
/// plugin call and every host-API call for it runs there, serially.
///
/// The plugin is never re-entered: a completion or resumed data that becomes
/// ready while the plugin is on the stack is scheduled for a later loop turn.
final class SessionBridge {
    let gateway: Gateway
    let listener: ListenerConfig
    let plugin: ProtocolPluginHandle
    let client: any Channel
    let eventLoop: any EventLoop
    var logger: Logger

    private(set) var handle: warden_session = 0
    private var state: UnsafeMutableRawPointer?
    private var upstream: (any Channel)?
    private(set) var connection: ConnectionConfig?
    /// The connection the client asked for at sign-in, which the plugin
    /// names again when it opens the upstream; the listener's own
    /// `connection` may have chosen another.
    private var requestedConnection: String?

    var record: SessionRecord
    /// Where the session's sign-in stands; a later token is checked against it.
    private var signIn = SignIn.notStarted
    var statementStarts: [UInt64: NIODeadline] = [:]
    var nextSequence: UInt64 = 0
    /// The statements waiting for a human, by the approval each waits for.
    var held: [String: HeldStatement] = [:]
    /// Ends the session when its token expires or it reaches its maximum length.
    private var sessionDeadline: Scheduled<Void>?
    /// Why the gateway ended the session, for its record.
    private var endReason: String?

    /// Statements waiting for the recorder to take their records, by wait.
    var recorderWaits: [UInt64: RecorderWait] = [:]
    var nextRecorderWait: UInt64 = 0
    /// Closes the client connection unless it signs in in time; told when it does.
    var signInDeadline: SignInDeadlineHandler?

    private var paused = PerSide(false)
    private var buffered = PerSide<[ByteBuffer]>([])
    private var readPending = PerSide(false)
    /// Whether each side's channel takes more writes (NIO's watermarks).
    private var writable = PerSide(true)
    /// What the plugin wrote to each side since the last flush, as one
    /// buffer: a response's head and body, a chunk's size line, data and
    /// CRLF, a statement's several messages leave as one TLS record and one
    /// write instead of one of each per piece.
    private var unflushed = PerSide<ByteBuffer?>(nil)
    private var pendingTLS = PerSide<warden_request_id?>(nil)
    /// The error that closed a side's connection, for a plugin told of the close.
    private var failure = PerSide<String?>(nil)
    private var open = PerSide(client: true, upstream: false)
    private var closing = false
    private var pluginNotifiedClosed = false
    private(set) var finished = false
    private var pluginCallDepth = 0
    /// Completions that became ready while the plugin was on the stack.
    private var deferredCompletions: [CompletionPayload] = []

    init(gateway: Gateway, listener: ListenerConfig, plugin: ProtocolPluginHandle, client: any Channel) {
        self.gateway = gateway
        self.listener = listener
        self.plugin = plugin
        self.client = client
        self.eventLoop = client.eventLoop
        let address = client.remoteAddress.map { "\($0.ipAddress ?? "?"):\($0.port ?? 0)" } ?? "unknown"
        record = SessionRecord(
            id: SessionID.make(), startedAt: Date(), endedAt: nil, listener: listener.name,
            clientAddress: address, connection: "", clientUser: "", subject: nil, groups: [],
            status: "open", reason: nil)
        logger = gateway.logger
        logger[metadataKey: "session"] = "\(record.id)"
        logger[metadataKey: "client"] = "\(address)"
    }

    // MARK: Lifecycle

    /// Registers the session and opens it in the plugin.
    func start() {
        gateway.sessions.opened()
        handle = SessionRegistry.shared.register(self, on: eventLoop, plugin: plugin.manifest.name)
        let tlsAvailable: UInt32 = gateway.listenerTLS[listener.name] == nil ? 0 : 1
        var arena = ByteArena()
        let name = arena.add(listener.name), address = arena.add(record.clientAddress)
        let options = listener.options.sorted { $0.key < $1.key }.map { (key: arena.add($0.key), value: arena.add($0.value)) }
        let status = arena.bytes.withUnsafeBufferPointer { base in
            let pairs = options.map { warden_pair(key: ByteArena.slice(base, $0.key), value: ByteArena.slice(base, $0.value)) }
            return pairs.withUnsafeBufferPointer { pairs in
                var info = warden_session_info(
                    size: UInt32(MemoryLayout<warden_session_info>.size), client_tls_available: tlsAvailable,
                    client_tls_active: 0, reserved: 0, listener: ByteArena.slice(base, name),
                    client_address: ByteArena.slice(base, address),
                    result_capture_bytes: UInt64(gateway.config.store.resultCaptureBytes),
                    options: pairs.baseAddress, option_count: pairs.count)
                return callingPlugin { plugin.hooks.pointee.session_open?(plugin.plugin, handle, &info, &state) } ?? WARDEN_INTERNAL
            }
        }
        guard status == WARDEN_OK, state != nil else {
            logger.error("the \(plugin.manifest.name) plugin refused to open a session (status \(status.rawValue))")
            state = nil
            closeWhenFlushed()
            return
        }
        // A protocol whose server speaks first (MySQL's greeting) writes here.
        deliverDeferredCompletions()
        logger.debug("session opened")
    }

    /// A side's channel became inactive.
    func sideClosed(_ side: SessionSide, channel closed: any Channel) {
        // An upstream connection that closed before, for a plugin that opened another.
        if side == .upstream, let upstream, closed !== upstream { return }
        guard open[side] else { return }
        open[side] = false
        if side == .upstream, open.client, !closing, state != nil,
           plugin.manifest.has(PluginManifestInfo.upstreamReconnectCapability) {
            return upstreamClosedWhileClientStays()
        }
        if let state, !pluginNotifiedClosed, !closing {
            pluginNotifiedClosed = true
            callingPlugin { plugin.hooks.pointee.on_closed?(state, side.rawValue) }
            deliverDeferredCompletions()
        }
        closeWhenFlushed()
        if !open.client, !open.upstream { finish() }
    }

    /// ABI 1.5: the plugin keeps its client when the upstream closes (an
    /// HTTP server closing an idle keep-alive connection) and may open a new
    /// upstream connection; it learns of the close as a completion.
    private func upstreamClosedWhileClientStays() {
        logger.debug("the upstream connection closed; the session stays open")
        upstream = nil
        paused.upstream = false
        buffered.upstream = []
        readPending.upstream = false
        unflushed.upstream = nil
        writable.upstream = true
        // The client's reading may have waited for the old connection's writes.
        readIfPending(.client)
        var payload = CompletionPayload(kind: WARDEN_COMPLETION_UPSTREAM_CLOSED, request: 0)
        payload.message = failure.upstream.map { "the upstream connection failed: \($0)" } ?? ""
        failure.upstream = nil
        complete(payload)
    }

    /// ABI 1.5: the plugin is done with this upstream connection; the
    /// client's stays, and the close reaches the plugin as UPSTREAM_CLOSED.
    func closeUpstream() -> warden_status {
        guard plugin.manifest.has(PluginManifestInfo.upstreamReconnectCapability) else { return WARDEN_UNSUPPORTED }
        guard let upstream, open.upstream, !closing else { return WARDEN_NOT_FOUND }
        flush()
        upstream.close(promise: nil)
        return WARDEN_OK
    }

    /// A side's connection failed (a TLS alert, a reset); it closes next.
    func sideFailed(_ side: SessionSide, _ error: any Error) {
        logger.debug("\(side) connection error: \(error)")
        failure[side] = "\(error)"
    }

    private func finish() {
        guard !finished else { return }
        finished = true
        signInDeadline = nil  // it holds this session in its expiry closure
        if let state {
            plugin.hooks.pointee.session_close?(state)
            self.state = nil
        }
        SessionRegistry.shared.unregister(handle)
        gateway.sessions.closed()
        sessionDeadline?.cancel()
        sessionDeadline = nil
        for held in takeHeld() {
            // Withdrawn, so nobody can approve it any more; recorded as
            // refused, so that the session's statements have no gap.
            gateway.approvals.withdraw(held.approval)
            recordDenial(held.statement, reason: "the session ended while it waited for approval \(held.approval)")
        }
        for recorderWait in recorderWaits.values {
            recorderWait.timeout.cancel()
            gateway.recorder.withdraw(recorderWait.ticket)
        }
        recorderWaits.removeAll()
        if !signIn.isRecorded {
            record.status = "refused"
            record.reason = record.reason ?? "closed before authentication"
            record.endedAt = Date()
            gateway.recorder.record(.sessionStarted(record))
            gateway.recorder.audit(
                AuditKind.connectionRefused, actor: AuditedContent.unknownActor, sessionID: record.id,
                detail: AuditedContent.session(record))
        } else {
            gateway.recorder.record(.sessionEnded(sessionID: record.id, at: Date(), reason: endReason))
        }
        logger.debug("session closed")
    }

    /// The client did not sign in within `limits.sign_in_timeout`; the
    /// deadline handler closes the connection after this, and ``finish()``
    /// records and audits the refusal with this reason.
    func signInTimedOut() {
        let timeout = DurationText.format(gateway.config.limits.signInTimeout)
        record.reason = "did not sign in within \(timeout) (limits.sign_in_timeout)"
        logger.info("closing a client connection that did not sign in in time", metadata: ["timeout": "\(timeout)"])
    }

    /// Closes both sides once what was written has been flushed.
    func closeWhenFlushed() {
        guard !closing else { return }
        closing = true
        flush()
        client.close(promise: nil)
        if let upstream {
            // An upstream closed in its connect callback never went active,
            // so no channelInactive will say it closed: its close future does.
            let bound = NIOLoopBound(self, eventLoop: eventLoop)
            upstream.close().whenComplete { _ in bound.value.sideClosed(.upstream, channel: upstream) }
        }
    }

    // MARK: Data

    /// Bytes arrived on `side`; they go to the plugin unless that side is paused.
    func received(_ buffer: ByteBuffer, from side: SessionSide) {
        guard !closing else { return }
        if paused[side] {
            buffered[side].append(buffer)
            return
        }
        deliver(buffer, from: side)
    }

    private func deliver(_ buffer: ByteBuffer, from side: SessionSide) {
        guard let state else { return }
        let flow = callingPlugin {
            buffer.withUnsafeReadableBytes { bytes in
                plugin.hooks.pointee.on_data?(state, side.rawValue, warden_bytes(
                    data: bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), length: bytes.count))
            }
        }
        apply(flow, to: side)
        deliverDeferredCompletions()
    }

    private func apply(_ flow: warden_flow?, to side: SessionSide) {
        switch flow {
        case WARDEN_FLOW_CONTINUE:
            break
        case WARDEN_FLOW_PAUSE:
            paused[side] = true
        default:
            // CLOSE, or a value this host does not know: fail closed.
            closeWhenFlushed()
        }
    }

    /// Whether the channel handler may ask its channel for more bytes.
    func mayRead(_ side: SessionSide) -> Bool {
        if paused[side] || heldForWrites(side) {
            readPending[side] = true
            return false
        }
        return true
    }

    /// A side's outbound buffer crossed NIO's high or low watermark: stop or
    /// resume reading the side that feeds it.
    func writabilityChanged(_ side: SessionSide, writable: Bool) {
        let wasHeld = PerSide(client: heldForWrites(.client), upstream: heldForWrites(.upstream))
        self.writable[side] = writable
        for source in [SessionSide.client, .upstream] where wasHeld[source] && !heldForWrites(source) {
            readIfPending(source)
        }
    }

    /// Whether `side`'s reading waits for writes to drain. A side that cannot
    /// take more writes holds the other side's reading (a client that reads
    /// slowly must not make the gateway buffer a whole result in memory); a
    /// client that does not read its answers (refusals the plugin writes
    /// itself) holds its own reading too.
    private func heldForWrites(_ side: SessionSide) -> Bool {
        side == .client ? !writable.upstream || !writable.client : !writable.client
    }

    /// Passes on a read the channel asked for while `side` was held, once
    /// nothing holds it any more.
    private func readIfPending(_ side: SessionSide) {
        guard !paused[side], !heldForWrites(side), readPending[side] else { return }
        readPending[side] = false
        channel(side)?.read()
    }

    func setPaused(_ side: SessionSide, _ pause: Bool) {
        paused[side] = pause
        guard !pause, !buffered[side].isEmpty || readPending[side] else { return }
        // Deliver what arrived while paused on a later loop turn, never inside
        // the plugin's own call.
        let bound = NIOLoopBound(self, eventLoop: eventLoop)
        eventLoop.execute { bound.value.drainBuffered(side) }
    }

    private func drainBuffered(_ side: SessionSide) {
        while !paused[side], !closing, !buffered[side].isEmpty {
            deliver(buffered[side].removeFirst(), from: side)
        }
        readIfPending(side)
    }

    func write(_ bytes: warden_bytes, to side: SessionSide) -> warden_status {
        guard !closing || side == .client else { return WARDEN_NOT_FOUND }
        guard let channel = channel(side) else { return WARDEN_NOT_FOUND }
        // Appended in place: through the subscript, the buffer would be copied.
        switch side {
        case .client: Self.append(bytes, to: &unflushed.client, allocator: channel.allocator)
        case .upstream: Self.append(bytes, to: &unflushed.upstream, allocator: channel.allocator)
        }
        return WARDEN_OK
    }

    private static func append(_ bytes: warden_bytes, to buffer: inout ByteBuffer?, allocator: ByteBufferAllocator) {
        if buffer == nil {
            buffer = allocator.buffer(bytes: bytes.rawBuffer)
        } else {
            buffer!.writeBytes(bytes.rawBuffer)
        }
    }

    private func flush() {
        for side in [SessionSide.client, .upstream] {
            guard let buffer = unflushed[side] else { continue }
            unflushed[side] = nil
            channel(side)?.writeAndFlush(buffer, promise: nil)
        }
    }

    private func channel(_ side: SessionSide) -> (any Channel)? {
        side == .client ? client : upstream
    }

    // MARK: Completions

    /// Delivers a completion: at once when the plugin is not running (so that
    /// it learns of a finished TLS handshake before the first decrypted byte),
    /// else as soon as the plugin's current call has returned, so that the
    /// plugin is never re-entered. A verdict the policy reaches at once thus
    /// costs no extra event-loop turn.
    func complete(_ payload: CompletionPayload) {
        deferredCompletions.append(payload)
        deliverDeferredCompletions()
    }

    /// Delivers the completions that became ready during the plugin's last
    /// call, then flushes what the plugin wrote in all of them at once: a
    /// pipelined Bind and the Execute its verdict releases leave in one
    /// packet, not two.
    private func deliverDeferredCompletions() {
        guard pluginCallDepth == 0 else { return }
        // Delivering one may make another ready (the next pipelined statement's verdict).
        while !deferredCompletions.isEmpty {
            deliver(deferredCompletions.removeFirst())
        }
        flush()
    }

    private func deliver(_ payload: CompletionPayload) {
        guard let state, !closing else { return }
        let flow = callingPlugin {
            payload.withBorrowed { plugin.hooks.pointee.on_completion?(state, $0) }
        }
        apply(flow, to: .client)
    }

    /// Runs a plugin hook, noting that the plugin is on the stack.
    private func callingPlugin<R>(_ body: () -> R) -> R {
        pluginCallDepth += 1
        defer { pluginCallDepth -= 1 }
        return CallingPlugin.during(plugin.manifest.name, body)
    }
}

// MARK: - Host requests

extension SessionBridge {
    /// `received`: bytes of the TLS handshake the plugin was already given
    /// (ABI 1.6), fed to the new handler before anything read later.
    func startTLS(_ side: SessionSide, request: warden_request_id, replaying received: [UInt8] = []) -> warden_status {
        guard let channel = channel(side), pendingTLS[side] == nil else { return WARDEN_BAD_ARGUMENT }
        let handler: any ChannelHandler
        do {
            switch side {
            case .client:
                guard let context = gateway.listenerTLS[listener.name] else { return WARDEN_UNSUPPORTED }
                handler = NIOSSLServerHandler(context: context)
            case .upstream:
                guard let connection, let context = gateway.upstreamTLS[connection.name] else { return WARDEN_UNSUPPORTED }
                // SNI and the host name check use the configured name. An IP literal
                // cannot be sent as SNI; NIOSSL then checks the certificate's IP
                // addresses against the address connected to.
                let host = connection.upstream.host
                let hostname = connection.upstream.tls == .verifyFull && !IPAddressText.isLiteral(host) ? host : nil
                handler = try NIOSSLClientHandler(context: context, serverHostname: hostname)
            }
            // What was written before the upgrade goes out in clear first.
            flush()
            try channel.pipeline.syncOperations.addHandler(handler, position: .first)
            if !received.isEmpty {
                // From the head of the pipeline, so into the TLS handler just
                // added, ahead of any later read. A ClientHello yields no
                // plaintext, so nothing re-enters the plugin meanwhile.
                channel.pipeline.fireChannelRead(NIOAny(channel.allocator.buffer(bytes: received)))
            }
        } catch {
            logger.error("could not start TLS on the \(side) side: \(error)")
            return WARDEN_INTERNAL
        }
        pendingTLS[side] = request
        return WARDEN_OK
    }

    /// The TLS handshake on `side` finished, or failed with `error`.
    func tlsFinished(_ side: SessionSide, error: (any Error)?) {
        guard let request = pendingTLS[side] else { return }
        pendingTLS[side] = nil
        var payload = CompletionPayload(kind: WARDEN_COMPLETION_TLS, request: request, side: side)
        if let error {
            payload.status = WARDEN_UNAVAILABLE
            payload.message = "TLS handshake failed: \(error)"
            logger.warning("TLS handshake on the \(side) side failed: \(error)")
        }
        complete(payload)
    }

    func authenticate(token: String, connection requested: String, clientUser: String, request: warden_request_id) -> warden_status {
        switch signIn {
        case .notStarted: break
        // One sign-in at a time: the first one's outcome decides what a later token may do.
        case .pending: return WARDEN_UNAVAILABLE
        // The session is recorded as refused: a later token needs a new connection.
        case .refused: return WARDEN_DENIED
        case .signedIn(let subject): return reauthenticate(token: token, requested: requested, subject: subject, request: request)
        }
        signIn = .pending
        // A listener that serves one connection serves it whatever the client asks for.
        let name = listener.connection ?? requested
        requestedConnection = requested
        record.connection = name
        record.clientUser = clientUser
        let bound = NIOLoopBound(self, eventLoop: eventLoop)
        let gateway = self.gateway
        let protocolName = listener.protocolName
        Task {
            let outcome = await Authorizer(gateway: gateway).authorize(token: token, connection: name, protocolName: protocolName)
            bound.eventLoop.execute { bound.value.authenticated(outcome, request: request) }
        }
        return WARDEN_OK
    }

    private func authenticated(_ outcome: Authorizer.Outcome, request: warden_request_id) {
        // The connection closed while the token was checked (the sign-in
        // deadline, or the client left): its refusal is already recorded.
        guard !finished else { return }
        var payload = CompletionPayload(kind: WARDEN_COMPLETION_AUTHENTICATE, request: request)
        switch outcome {
        case .allowed(let identity, let connection):
            signInDeadline?.signedIn()
            signInDeadline = nil
            signIn = .signedIn(subject: identity.subject)
            self.connection = connection
            record.subject = identity.subject
            record.groups = identity.groups
            logger[metadataKey: "subject"] = "\(identity.subject)"
            let end = SessionEnd(identity: identity, maxSession: connection.maxSession, now: Date())
            logger.info("client authenticated", metadata: [
                "connection": "\(connection.name)", "session_ends": "\(SessionEnd.format(end.at))", "ends_by": "\(end.cause)",
            ])
            scheduleEnd(end)
            payload.subject = identity.subject
            payload.groups = identity.groups
        case .refused(let reason, let subject):
            signIn = .refused
            record.status = "refused"
            record.reason = reason
            record.subject = subject
            logger.notice("client refused", metadata: ["connection": "\(record.connection)", "reason": "\(reason)"])
            payload.status = Self.refusalStatus(knownSubject: subject != nil)
            payload.message = reason
        }
        gateway.recorder.record(.sessionStarted(record))
        gateway.recorder.audit(
            record.status == "refused" ? AuditKind.connectionRefused : AuditKind.connectionAccepted,
            actor: record.subject ?? AuditedContent.unknownActor, sessionID: record.id,
            detail: AuditedContent.session(record))
        complete(payload)
    }

    /// Whether `name`, as a plugin gives it after sign-in, is the session's
    /// `connection`: its own name, what the client asked for at sign-in, or
    /// anything on a listener that serves one connection.
    private func names(_ connection: ConnectionConfig, _ name: String) -> Bool {
        listener.connection != nil || name == connection.name || name == requestedConnection
    }

    /// A token presented in a signed-in session (an HTTP client sends one
    /// with every request). It must be valid for the session's connection
    /// and name the session's subject: the identity of a session never
    /// changes. A valid one moves the session's end to its own expiry (never
    /// past `max_session` from the start), so a long-lived stream lives as
    /// long as its client brings fresh tokens.
    private func reauthenticate(token: String, requested: String, subject: String, request: warden_request_id) -> warden_status {
        guard let connection, names(connection, requested) else {
            logger.warning("refused a token for another connection in a signed-in session", metadata: ["asked": "\(requested)"])
            return WARDEN_DENIED
        }
        let bound = NIOLoopBound(self, eventLoop: eventLoop)
        let gateway = self.gateway, protocolName = listener.protocolName, name = connection.name
        Task {
            let outcome = await Authorizer(gateway: gateway).authorize(token: token, connection: name, protocolName: protocolName)
            bound.eventLoop.execute { bound.value.reauthenticated(outcome, subject: subject, request: request) }
        }
        return WARDEN_OK
    }

    private func reauthenticated(_ outcome: Authorizer.Outcome, subject: String, request: warden_request_id) {
        guard !finished else { return }
        var payload = CompletionPayload(kind: WARDEN_COMPLETION_AUTHENTICATE, request: request)
        switch outcome {
        case .allowed(let identity, let connection) where identity.subject == subject:
            payload.subject = identity.subject
            payload.groups = identity.groups
            sessionDeadline?.cancel()
            scheduleEnd(SessionEnd(identity: identity, maxSession: connection.maxSession, now: record.startedAt))
        case .allowed(let identity, _):
            let reason = "this session is \(subject)'s: a token for \(identity.subject) cannot be used in it"
            logger.warning("refused a token for another subject in a signed-in session", metadata: ["presented": "\(identity.subject)"])
            gateway.recorder.audit(AuditKind.identityRefused, actor: identity.subject, sessionID: record.id,
                                   detail: auditDetail(["subject": subject, "presented": identity.subject]))
            payload.status = WARDEN_DENIED
            payload.message = reason
        case .refused(let reason, let presented):
            logger.notice("a token presented in a signed-in session was refused", metadata: ["reason": "\(reason)"])
            payload.status = Self.refusalStatus(knownSubject: presented != nil)
            payload.message = reason
        }
        complete(payload)
    }

    /// ABI 1.4: a refused sign-in says whether the credential itself was
    /// refused (BAD_ARGUMENT: HTTP's 401) or its valid identity is not
    /// allowed (DENIED: HTTP's 403). Older plugins read any failure alike.
    private static func refusalStatus(knownSubject: Bool) -> warden_status {
        knownSubject ? WARDEN_DENIED : WARDEN_BAD_ARGUMENT
    }

    private func scheduleEnd(_ end: SessionEnd) {
        // The client may have left while its token was being checked.
        guard !finished else { return }
        let bound = NIOLoopBound(self, eventLoop: eventLoop)
        let delay = max(end.at.timeIntervalSinceNow, 0)
        sessionDeadline = eventLoop.scheduleTask(in: .nanoseconds(Int64(delay * 1_000_000_000))) {
            bound.value.endSession(end)
        }
    }

    /// Ends the session because its token expired or it reached its maximum
    /// length: a statement held for approval is withdrawn, the plugin tells
    /// the client why in its protocol (ABI 1.3), and both sides are closed.
    func endSession(_ end: SessionEnd) {
        guard !finished, !closing else { return }
        endReason = end.message
        logger.notice("ending the session: \(end.summary)", metadata: [
            "connection": "\(record.connection)", "ends_by": "\(end.cause)", "at": "\(SessionEnd.format(end.at))",
        ])
        gateway.recorder.audit(
            AuditKind.sessionEnded, actor: AuditKind.gatewayActor, sessionID: record.id,
            detail: auditDetail(["reason": end.message, "subject": record.subject]))
        for held in takeHeld() {
            gateway.approvals.withdraw(held.approval)
            recordDenial(held.statement, reason: "the session ended (\(end.summary)) while it waited for approval \(held.approval)")
        }
        if let state, let onEnding = plugin.hooks.pointee.on_ending {
            var arena = ByteArena()
            let message = arena.add(end.message)
            arena.bytes.withUnsafeBufferPointer { base in
                var ending = warden_ending(
                    size: UInt32(MemoryLayout<warden_ending>.size), reason: end.reason.rawValue,
                    message: ByteArena.slice(base, message))
                callingPlugin { onEnding(state, &ending) }
            }
        } else if state != nil {
            logger.notice("""
                the \(plugin.manifest.name) plugin (ABI \(plugin.manifest.abiMajor).\(plugin.manifest.abiMinor)) cannot tell \
                its client why: closing the connection without a message
                """)
        }
        closeWhenFlushed()
    }

    func openUpstream(connection name: String, request: warden_request_id) -> warden_status {
        guard let connection, names(connection, name), upstream == nil else { return WARDEN_DENIED }
        let bound = NIOLoopBound(self, eventLoop: eventLoop)
        let target = connection.upstream
        ClientBootstrap(group: eventLoop)
            .connectTimeout(.seconds(10))
            .channelOption(.autoRead, value: true)
            .channelOption(.recvAllocator, value: SideHandler.receiveBuffers)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(SideHandler(bridge: bound, side: .upstream))
                }
            }
            .connect(host: target.host, port: target.port)
            .whenComplete { result in bound.value.upstreamConnected(result, request: request) }
        return WARDEN_OK
    }

    private func upstreamConnected(_ result: Result<any Channel, any Error>, request: warden_request_id) {
        guard let connection else { return }
        var payload = CompletionPayload(kind: WARDEN_COMPLETION_UPSTREAM, request: request)
        switch result {
        case .success(let channel):
            guard !closing else {
                channel.close(promise: nil)
                return
            }
            upstream = channel
            open.upstream = true
            let upstream = connection.upstream
            // The upstream role is the gateway's choice, never the client's
            // startup user (configuration requires one for PostgreSQL).
            payload.values = [
                ("user", upstream.user ?? ""),
                ("database", upstream.database ?? connection.name),
                ("tls", upstream.tls.rawValue),
                ("max_statement_bytes", String(connection.maxStatementBytes)),
                ("max_body_bytes", String(connection.maxBodyBytes)),
            ]
            payload.values += gateway.upstreamSecrets[connection.name]?.pluginValues ?? []
            if let url = upstream.url { payload.values.append(("url", url.absoluteString)) }
            if connection.policy.rules.contains(where: { $0.match.targets != nil }) {
                // Rules on tables must also see the tables a write reaches through foreign keys.
                payload.values.append(("foreign_keys", "on"))
            }
            if let masking = gateway.masking[connection.name], !masking.isEmpty {
                payload.values.append(("masking", "on"))
                payload.values.append(("mask_columns", masking.columnNames.joined(separator: ",")))
                // JSONPaths may hold commas; they hold no line breaks.
                payload.values.append(("mask_paths", masking.paths.joined(separator: "\n")))
                if connection.maskingStrict { payload.values.append(("masking_strict", "on")) }
            }
        case .failure(let error):
            logger.error("could not reach the upstream of \(connection.name) at \(connection.upstream.host):\(connection.upstream.port): \(error)")
            payload.status = WARDEN_UNAVAILABLE
            payload.message = "the upstream of '\(connection.name)' is not reachable"
        }
        complete(payload)
    }

    func recordResult(_ result: warden_action_result) -> warden_status {
        let table: ResultTable?
        do {
            table = try ResultTable(lentBy: result, limit: gateway.config.store.resultCaptureBytes)
        } catch {
            return WARDEN_BAD_ARGUMENT
        }
        guard let started = statementStarts.removeValue(forKey: result.action_id) else { return WARDEN_NOT_FOUND }
        let elapsed = Double((NIODeadline.now() - started).nanoseconds) / 1_000_000
        gateway.recorder.record(.statementFinished(
            sessionID: record.id, sequence: Int(result.action_id), durationMilliseconds: elapsed,
            rows: Int(result.rows), summary: result.summary.text,
            errorCode: result.failed != 0 ? result.error_code.text : nil,
            errorMessage: result.failed != 0 ? result.error_message.text : nil, result: table))
        return WARDEN_OK
    }
}

extension SessionBridge {
    /// The facts every audit event about this session carries, plus `extra`.
    func auditDetail(_ extra: [String: String?]) -> [String: String] {
        var detail = [
            "listener": record.listener, "client": record.clientAddress, "connection": record.connection,
            "client_user": record.clientUser, "groups": record.groups.joined(separator: ","),
        ]
        for (key, value) in extra {
            if let value { detail[key] = value }
        }
        return detail
    }
}

/// One value for each side of a session: cheaper than a dictionary on the
/// paths every message takes.
struct PerSide<Value> {
    var client: Value
    var upstream: Value

    init(client: Value, upstream: Value) {
        self.client = client
        self.upstream = upstream
    }

    init(_ both: Value) {
        self.init(client: both, upstream: both)
    }

    subscript(side: SessionSide) -> Value {
        get { side == .client ? client : upstream }
        set {
            if side == .client { client = newValue } else { upstream = newValue }
        }
    }
}

enum IPAddressText {
    static func isLiteral(_ host: String) -> Bool {
        (try? SocketAddress(ipAddress: host, port: 0)) != nil
    }
}

/// Short random session ids that are easy to type in `warden sessions show`.
enum SessionID {
    static func make() -> String {
        String(UInt64.random(in: 0...UInt64.max), radix: 16).leftPadded(to: 16)
    }
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}

/// Where a session's sign-in stands.
private enum SignIn {
    case notStarted
    /// The first token is being checked.
    case pending
    /// The first token was refused; the session is recorded as refused.
    case refused
    /// Signed in as `subject`, for the whole session.
    case signedIn(subject: String)

    /// The session's record and its `connection.*` event are written.
    var isRecorded: Bool {
        switch self {
        case .notStarted, .pending: false
        case .refused, .signedIn: true
        }
    }
}
