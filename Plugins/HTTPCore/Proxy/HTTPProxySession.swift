import NIOCore
import NIOHTTP1
import WardenPluginSDK

/// One client connection of an HTTP reverse proxy: requests are read with
/// swift-nio's decoder, signed in with their bearer token, judged by the
/// host's policy and only then sent upstream; answers stream back, masked
/// where the connection says so. One request is served at a time; the
/// requests a client pipelines behind it wait, parsed, in order.
///
/// What is plugin-specific (how a request is described to the policy, who
/// the upstream is told signed in, how Warden words its own answers) is the
/// ``HTTPDialect``; the HTTP and Kubernetes plugins share the rest.
public final class HTTPProxySession: ProtocolSession {
    enum UpstreamState: Equatable {
        case notOpened
        case opening(RequestID)
        case securing(RequestID)
        case ready
        /// Asked to close (it said `Connection: close`); a new one opens once it has.
        case closing
        case failed(String)
    }

    struct Identity {
        var token: String
        var subject: String
        var groups: [String]
    }

    let host: any ProxyHost
    let dialect: any HTTPDialect
    let options: HTTPProxyOptions
    let info: SessionInfo
    /// Where a token may come from besides Authorization (the listener's options).
    let tokenSources: TokenSources
    var requests = RequestReader()
    var responses = ResponseReader()
    var upstream = UpstreamState.notOpened
    /// Requests sent over the current upstream connection.
    var upstreamRequests = 0
    var settings: UpstreamSettings?
    var identity: Identity?
    /// The host (without port) of the request that signed in.
    var boundHost: String?
    var exchange: Exchange?
    /// Parts of requests pipelined behind the current one.
    var queued: [HTTPServerRequestPart] = []
    var queuedBytes = 0
    /// After a protocol switch (WebSocket, SPDY), bytes pass through untouched.
    var tunnel: Tunnel?
    var clientPaused = false
    /// The session ends once what was written is flushed.
    var closing = false
    /// Malformed input that came behind a request already on its way: refused once that request's answer is out.
    var deferredRefusal: HTTPInputError?

    public init(host: any ProxyHost, dialect: any HTTPDialect, info: SessionInfo, options: HTTPProxyOptions = .init()) throws {
        self.host = host
        self.dialect = dialect
        self.info = info
        self.options = options
        tokenSources = TokenSources(options: info.options)
        // HTTPS from the first byte: the listener's certificate, ALPN http/1.1.
        if info.clientTLSAvailable, !info.clientTLSActive { _ = try host.startTLS(.client) }
    }

    public func received(_ bytes: UnsafeRawBufferPointer, from side: Side) throws -> Flow {
        switch side {
        case .client: try clientData(bytes)
        case .upstream: try upstreamData(bytes)
        }
        return closing ? .close : .continue
    }

    public func completed(_ completion: Completion) throws -> Flow {
        switch completion {
        case .tls(_, .client, let error):
            if let error { host.log(.info, "the client's TLS handshake failed: \(error)"); closing = true }
        case .tls(_, .upstream, let error):
            // The host logs the handshake's error; the client learns no more than that it failed.
            upstream = error.map { _ in .failed("Warden could not establish TLS with the upstream") } ?? .ready
            try advance()
        case .authenticated(let request, let outcome):
            try signedIn(request, outcome)
        case .upstreamOpened(_, .success(let values)):
            try upstreamOpened(values)
        case .upstreamOpened(_, .failure(let refusal)):
            upstream = .failed(refusal.reason)
            try advance()
        case .decided(let request, let decision):
            try decided(request, decision)
        case .decisionPending(let request, let approval, let message):
            guard case .deciding(request, _)? = exchange?.stage else { break }
            exchange?.stage = .deciding(request, held: true)
            host.log(.info, "request held for approval \(approval): \(message)")
        case .upstreamClosed(let reason):
            try upstreamClosed(reason: reason)
        case .woken:
            break
        }
        return closing ? .close : .continue
    }

    public func closed(_ side: Side) {
        if tunnel != nil { return closeTunnel() }
        // A body that ends when the upstream closes ends here.
        guard side == .upstream, case .forwarding? = exchange?.stage else { return }
        if let parts = try? responses.readEnd() {
            for part in parts { try? responsePart(part) }
        }
    }

    /// The token expired or the session reached its length: a WebSocket
    /// client is told why in a close frame; an HTTP client's connection just
    /// closes, and its next request signs in on a new one.
    public func ending(_ ending: SessionEnding) {
        guard let tunnel else { return }
        if let bytes = tunnel.stream.closing(reason: ending.message) { try? host.write(bytes, to: .client) }
        closeTunnel()
    }

    public func failureMessage(for error: any Error) -> [UInt8]? {
        guard exchange?.response.status == nil, tunnel == nil else { return nil }
        return dialect.answer(status: 500, detail: "Warden failed while handling the request", close: true, headers: [])
    }

    // MARK: Steps of the current exchange

    /// Moves the current request on as far as it can go without waiting.
    func advance() throws {
        while let current = exchange, !closing {
            switch current.stage {
            case .new:
                guard let token = current.check.token else {
                    let detail = current.check.authorizationScheme == nil
                        ? "send an OIDC token: Authorization: Bearer <token>"
                        : "the only Authorization scheme served is Bearer with an OIDC token"
                    return try answer(401, detail, headers: [("WWW-Authenticate", "Bearer realm=\"warden\"")])
                }
                if identity?.token == token {
                    exchange?.stage = .waitingForUpstream
                } else {
                    let name = Self.hostName(current.check.host)
                    exchange?.stage = .signingIn(try host.authenticate(token: token, connection: name))
                    return
                }
            case .waitingForUpstream:
                switch upstream {
                case .ready: exchange?.stage = .collectingExcerpt
                case .notOpened:
                    upstream = .opening(try host.openUpstream(connection: Self.hostName(current.check.host)))
                    return
                case .opening, .securing, .closing: return
                case .failed(let why): return try answer(502, why, close: true)
                }
            case .collectingExcerpt:
                if let settings, current.bodyBytes > settings.maxBodyBytes || current.declaredLength > settings.maxBodyBytes {
                    return try refuseTooLarge(settings)
                }
                if let settings, settings.masking, dialect.masksUpgradedStreams, current.check.upgrade != nil {
                    // Messages would pass unmasked: fail closed.
                    return try answer(501, "WebSocket is not served on a connection with masking rules: Warden does not mask its messages", close: true)
                }
                if current.check.expectsContinue, !current.continueSent, current.check.framing != .none {
                    // The policy and an approver judge the body too: Warden asks
                    // for it itself, once the client may send one (signed in, not
                    // too large), and the upstream never sees the expectation.
                    exchange?.continueSent = true
                    try host.write(WireText.responseHead(status: 100, reason: "Continue", headers: []), to: .client)
                }
                guard current.readyToDecide(excerptBytes: options.excerptBytes) else { return }
                if let identity, let why = dialect.refusal(of: current.head, target: current.check.target, subject: identity.subject) {
                    recordRefusal(why, sentWith: current.check.token)
                    return try answer(403, why)
                }
                let action: Action
                do {
                    action = try dialect.action(
                        for: current.head, target: current.check.target, excerpt: current.bodyExcerpt(options.excerptBytes))
                } catch {
                    recordRefusal(error.detail, sentWith: current.check.token)
                    return try answer(error.status, error.detail)
                }
                exchange?.dialectMasking = dialect.masking(for: action)
                if exchange?.dialectMasking != nil, current.check.asksUpgrade {
                    // A switched stream is not masked: what the dialect masks must not go over one.
                    recordRefusal("a request whose answer Warden masks cannot switch protocols", sentWith: current.check.token)
                    return try answer(403, "a request whose answer Warden masks cannot switch protocols")
                }
                exchange?.stage = .deciding(try host.decide(action), held: false)
                return
            case .reconnecting(let actionID):
                switch upstream {
                case .ready: try forward(actionID: actionID)
                case .notOpened:
                    upstream = .opening(try host.openUpstream(connection: Self.hostName(current.check.host)))
                    return
                case .opening, .securing, .closing: return
                case .failed(let why):
                    try? host.record(ActionResult(
                        actionID: actionID, rows: 0, bytes: 0, summary: "no response", error: (code: "upstream", message: why)))
                    return try answer(502, why, close: true)
                }
            case .signingIn, .deciding, .forwarding, .answered:
                return
            }
        }
    }

    private func signedIn(_ request: RequestID, _ outcome: Result<AuthenticatedIdentity, Refusal>) throws {
        guard let current = exchange, current.stage == .signingIn(request) else { return }
        switch outcome {
        case .success(let signedIn):
            identity = Identity(token: current.check.token ?? "", subject: signedIn.subject, groups: signedIn.groups)
            boundHost = boundHost ?? Self.hostName(current.check.host)
            exchange?.stage = .waitingForUpstream
            try advance()
        case .failure(let refusal) where refusal.status == .denied:
            try answer(403, refusal.reason, close: true)
        case .failure(let refusal) where refusal.status == .unavailable:
            try answer(503, refusal.reason, close: true, headers: [("Retry-After", "1")])
        case .failure(let refusal):
            try answer(401, refusal.reason, close: true,
                       headers: [("WWW-Authenticate", "Bearer realm=\"warden\", error=\"invalid_token\"")])
        }
    }

    private func upstreamOpened(_ values: [String: String]) throws {
        do {
            let settings = try UpstreamSettings(values: values)
            self.settings = settings
            upstream = settings.usesTLS ? .securing(try host.startTLS(.upstream)) : .ready
        } catch let error as HTTPSettingsError {
            upstream = .failed(error.description)
        }
        try advance()
    }

    private func decided(_ request: RequestID, _ decision: Decision) throws {
        guard case .deciding(request, let held)? = exchange?.stage else { return }
        if case .allow(_, let approval) = decision, held || approval != nil { exchange?.approved = true }
        switch decision {
        case .allow(let actionID, _) where upstream == .ready:
            try forward(actionID: actionID)
        case .allow(let actionID, _):
            exchange?.stage = .reconnecting(actionID: actionID)
            try advance()
        case .deny(let reason):
            try answer(403, reason)
        case .unavailable(let reason):
            try answer(503, reason, headers: [("Retry-After", "5")])
        }
    }

    /// A request Warden refuses before the policy sees it (too large, for
    /// another host, malformed) after the client signed in still belongs in
    /// the session's records: the host records an action that carries
    /// `refuse` as refused, with the reason, and its verdict comes back to
    /// an exchange that no longer waits for one. Only a request that carries
    /// the session's own token is recorded as the session's: one with
    /// another token, or none, proves nothing about who sent it.
    func recordRefusal(_ reason: String, sentWith token: String?, of action: Action? = nil) {
        guard let identity, let token, token == identity.token else { return }
        let described: Action
        if let action {
            described = action
        } else if let current = exchange {
            switch current.stage {
            case .new, .signingIn, .waitingForUpstream, .collectingExcerpt: break
            // The policy has it already, and its verdict is recorded.
            case .deciding, .reconnecting, .forwarding, .answered: return
            }
            described = (try? dialect.action(for: current.head, target: current.check.target, excerpt: nil))
                ?? dialect.unclassified("\(current.head.method.rawValue) \(current.check.target.text)")
        } else {
            return
        }
        var refused = described
        refused.attributes.append(("refuse", reason))
        _ = try? host.decide(refused)
    }

    /// Warden answers the current request in its own name. The connection
    /// closes when asked, or when the request's body is still coming: what
    /// follows it could not be told apart from a next request safely.
    func answer(_ status: Int, _ detail: String, close: Bool = false, headers: [(String, String)] = []) throws {
        guard var current = exchange else { return }
        // A request without a body has ended with its head, whether or not
        // the decoder's end of it was read yet.
        let bodyPending = !current.requestEnded && current.check.framing != .none
        // The decoder reads nothing after a request that asked to upgrade.
        let closes = close || bodyPending || !current.head.isKeepAlive || current.check.asksUpgrade
        current.stage = .answered
        current.response.status = status
        current.response.ended = true
        current.response.closesConnection = closes
        current.heldBody = []
        exchange = current
        try host.write(dialect.answer(status: status, detail: detail, close: closes, headers: headers), to: .client)
        if closes {
            closing = true
        } else {
            try finishExchange()
        }
    }

    /// The connection's name as the client gives it: the `Host` without its port.
    static func hostName(_ host: String) -> String {
        if host.hasPrefix("["), let close = host.firstIndex(of: "]") { return String(host[...close]) }
        return String(host.prefix { $0 != ":" }).lowercased()
    }
}
