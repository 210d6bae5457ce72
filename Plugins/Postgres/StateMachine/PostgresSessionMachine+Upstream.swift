/// The upstream side of startup: connect, TLS, sign in with the gateway's
/// credentials, and hand the upstream's session parameters to the client.
extension PostgresSessionMachine {
    /// The only thing a client learns when the upstream sign-in fails: the
    /// upstream's own message may describe the gateway's credentials or setup.
    static let upstreamSignInFailedMessage =
        "Warden could not sign in to the upstream database; see the gateway log"

    mutating func upstreamOpened(_ credentials: UpstreamCredentials) -> [PostgresSessionAction] {
        // The client left while the host was connecting: close what it opened.
        if phase == .closed { return [.closeUpstream] }
        guard phase == .openingUpstream else { return unexpectedEvent("upstreamOpened") }
        var out = ActionBuffer()
        upstreamConnected = true
        self.credentials = credentials
        if credentials.masking {
            guard fieldMasker != nil else {
                // Never relay results that rules say must be masked without a way to mask them.
                closeSession(&out, clientError: BackendMessages.errorResponse(
                    .fatal, code: "XX000", message: "Warden cannot mask results for this connection"),
                    log: (.error, "the connection has masking rules but the session has no masker"))
                return out.actions
            }
            masking = ResultMasking()
            masking?.catalog = SourceCatalog(ruleNames: Set(credentials.maskColumns.map { $0.lowercased() }))
        }
        if credentials.tlsMode == .disable {
            sendUpstreamStartup(&out)
        } else {
            out.sendToUpstream(FrontendMessages.sslRequest())
            phase = .awaitingUpstreamSSLResponse
        }
        return out.actions
    }

    mutating func upstreamFailed(reason: String) -> [PostgresSessionAction] {
        guard phase == .openingUpstream else { return unexpectedEvent("upstreamFailed") }
        var out = ActionBuffer()
        closeSession(&out, clientError: BackendMessages.errorResponse(
            .fatal, code: "08001", message: "Warden could not connect to the upstream database"),
            log: (.error, "could not open the upstream of \(connectionName ?? "?"): \(reason)"))
        return out.actions
    }

    mutating func upstreamTLSEstablished() -> [PostgresSessionAction] {
        guard phase == .awaitingUpstreamTLS else { return unexpectedEvent("upstreamTLSEstablished") }
        var out = ActionBuffer()
        upstreamTLSActive = true
        sendUpstreamStartup(&out)
        return out.actions
    }

    mutating func upstreamTLSFailed(reason: String) -> [PostgresSessionAction] {
        guard phase == .awaitingUpstreamTLS else { return unexpectedEvent("upstreamTLSFailed") }
        var out = ActionBuffer()
        closeSession(&out, clientError: BackendMessages.errorResponse(
            .fatal, code: "08001", message: "Warden could not establish TLS to the upstream database"),
            log: (.error, "TLS to the upstream of \(connectionName ?? "?") failed: \(reason)"))
        return out.actions
    }

    private mutating func sendUpstreamStartup(_ out: inout ActionBuffer) {
        guard let credentials, let startup else { return }
        // The pinned settings come last and override any database or role
        // default: Warden's parser reads statements as the server then will.
        let parameters = [("user", credentials.user), ("database", credentials.database)]
            + startup.forwardedParameters
            + PinnedSettings.names.sorted().map { ($0, PinnedSettings.value(of: $0)) }
        out.sendToUpstream(FrontendMessages.startupMessage(parameters))
        upstreamAuthenticator = UpstreamAuthenticator(
            user: credentials.user, password: credentials.password,
            transportEncrypted: upstreamTLSActive, makeNonce: makeNonce)
        phase = .authenticatingUpstream
    }

    /// Takes as many upstream messages as the current phase can handle.
    mutating func processUpstreamInput(_ out: inout ActionBuffer) {
        do {
            while true {
                switch phase {
                case .awaitingUpstreamSSLResponse:
                    guard let answer = upstreamFramer.readByte() else { return }
                    handleUpstreamSSLResponse(answer, &out)
                case .authenticatingUpstream, .startingUpstream:
                    guard let frame = try upstreamFramer.next() else { return }
                    handleUpstreamStartupMessage(frame, &out)
                case .resolvingSources:
                    guard let frame = try upstreamFramer.next() else { return }
                    handleCatalogMessage(frame, &out)
                case .ready:
                    guard let frame = try upstreamFramer.next() else {
                        // Held client messages may proceed now that a statement finished.
                        return processClientInput(&out)
                    }
                    handleReadyUpstreamMessage(frame, &out)
                case .closed:
                    return
                case .awaitingStartup, .awaitingClientTLS, .awaitingPassword, .authenticating, .openingUpstream,
                     .awaitingUpstreamTLS:
                    guard upstreamFramer.bufferedByteCount == 0 else {
                        return failUpstreamSignIn(&out, log: "the upstream sent data in phase \(phase)")
                    }
                    return
                }
            }
        } catch {
            if phase == .ready {
                protocolViolation(&out, "invalid message framing from the upstream: \(error)", fromUpstream: true)
            } else {
                failUpstreamSignIn(&out, log: "invalid message framing from the upstream: \(error)")
            }
        }
    }

    private mutating func handleUpstreamSSLResponse(_ answer: UInt8, _ out: inout ActionBuffer) {
        guard let credentials else { return }
        switch answer {
        case UInt8(ascii: "S"):
            // Plaintext after 'S' could be injected by a man in the middle
            // (CVE-2021-23222): the next bytes must be the TLS handshake.
            guard upstreamFramer.bufferedByteCount == 0 else {
                return failUpstreamSignIn(&out, log: "the upstream sent unencrypted data after accepting TLS")
            }
            phase = .awaitingUpstreamTLS
            out.append(.startUpstreamTLS)
        case UInt8(ascii: "N") where credentials.tlsMode == .prefer:
            out.log(.warning, "the upstream of \(connectionName ?? "?") does not offer TLS; continuing unencrypted")
            sendUpstreamStartup(&out)
        case UInt8(ascii: "N"):
            closeSession(&out, clientError: BackendMessages.errorResponse(
                .fatal, code: "08001", message: "the upstream database does not offer TLS"),
                log: (.error, "the upstream of \(connectionName ?? "?") does not offer TLS "
                    + "but its tls mode is \(credentials.tlsMode.rawValue)"))
        default:
            failUpstreamSignIn(&out, log: "the upstream answered SSLRequest with byte \(answer)")
        }
    }

    private mutating func handleUpstreamStartupMessage(_ frame: PostgresFrame, _ out: inout ActionBuffer) {
        switch frame.type {
        case BackendMessageType.authentication where phase == .authenticatingUpstream:
            handleUpstreamAuthentication(frame, &out)
        case BackendMessageType.errorResponse:
            let fields = ErrorFields(body: frame.body)
            failUpstreamSignIn(&out, log: "the upstream refused the sign-in: "
                + "\(fields?.code ?? "?") \(fields?.message ?? "(malformed ErrorResponse)")")
        case BackendMessageType.noticeResponse where phase == .authenticatingUpstream:
            // The client has not been admitted yet; keep the notice for the operator.
            let fields = ErrorFields(body: frame.body)
            out.log(.info, "upstream notice during sign-in: \(fields?.message ?? "(malformed)")")
        case BackendMessageType.negotiateProtocolVersion:
            // Warden asks for plain 3.0 without options, so there is nothing to adjust.
            out.log(.debug, "the upstream sent NegotiateProtocolVersion")
        case BackendMessageType.parameterStatus where phase == .startingUpstream,
             BackendMessageType.noticeResponse where phase == .startingUpstream:
            out.sendToClient(frame.bytes)
        case BackendMessageType.backendKeyData where phase == .startingUpstream:
            handleUpstreamBackendKey(frame, &out)
        case BackendMessageType.readyForQuery where phase == .startingUpstream:
            guard let status = Self.transactionStatus(of: frame) else {
                return failUpstreamSignIn(&out, log: "the upstream sent an invalid ReadyForQuery")
            }
            transactionStatus = status
            if startCatalogQueries(readyForQuery: frame.bytes, &out) { return }
            out.sendToClient(frame.bytes)
            phase = .ready
            logSessionReady(&out)
        default:
            failUpstreamSignIn(&out, log: "unexpected message '\(Self.describe(frame.type))' from the upstream "
                + "during sign-in")
        }
    }

    func logSessionReady(_ out: inout ActionBuffer) {
        out.log(.info, "session ready: \(identity?.subject ?? "?") on \(connectionName ?? "?") "
            + "as upstream user \(credentials?.user ?? "?")" + (masking != nil ? ", masking on" : ""))
    }

    private mutating func handleUpstreamAuthentication(_ frame: PostgresFrame, _ out: inout ActionBuffer) {
        guard let request = AuthenticationRequest(body: frame.body) else {
            return failUpstreamSignIn(&out, log: "the upstream sent a malformed authentication request")
        }
        guard var authenticator = upstreamAuthenticator else { return }
        let outcome = authenticator.handle(request)
        upstreamAuthenticator = authenticator
        switch outcome {
        case .respond(let bytes, let warning):
            if let warning { out.log(.warning, warning) }
            out.sendToUpstream(bytes)
        case .wait:
            break
        case .authenticated:
            upstreamAuthenticator = nil
            phase = .startingUpstream
            out.sendToClient(BackendMessages.authenticationOk())
        case .failed(let reason):
            failUpstreamSignIn(&out, log: reason)
        }
    }

    /// The client gets Warden's own key; the upstream's stays in the table.
    private mutating func handleUpstreamBackendKey(_ frame: PostgresFrame, _ out: inout ActionBuffer) {
        var reader = ByteReader(frame.body)
        guard clientKey == nil, let processID = reader.readInt32(), let secretKey = reader.readInt32(),
              reader.isAtEnd, let connectionName
        else {
            out.log(.warning, "dropped an unexpected or malformed BackendKeyData from the upstream")
            return
        }
        let key = cancelKeys.register(CancelTarget(
            connection: connectionName, upstreamKey: BackendKey(processID: processID, secretKey: secretKey),
            session: hostSession))
        clientKey = key
        out.sendToClient(BackendMessages.backendKeyData(key))
    }

    /// Ends the session with the generic sign-in error; the details go to the log only.
    mutating func failUpstreamSignIn(_ out: inout ActionBuffer, log reason: String) {
        closeSession(&out, clientError: BackendMessages.errorResponse(
            .fatal, code: "08004", message: Self.upstreamSignInFailedMessage),
            log: (.error, "upstream sign-in for \(connectionName ?? "?") failed: \(reason)"))
    }

    static func transactionStatus(of frame: PostgresFrame) -> TransactionStatus? {
        guard frame.body.count == 1, let byte = frame.body.first else { return nil }
        return TransactionStatus(rawValue: byte)
    }

    /// A printable name for a message type byte, for logs.
    static func describe(_ type: UInt8?) -> String {
        guard let type else { return "startup packet" }
        return (0x20..<0x7F).contains(type) ? String(UnicodeScalar(type)) : "0x" + String(type, radix: 16)
    }
}
