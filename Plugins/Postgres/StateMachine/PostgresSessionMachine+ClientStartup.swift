/// The client's startup phase: TLS negotiation, StartupMessage, the token.
extension PostgresSessionMachine {
    /// Takes as many client messages as the current phase can handle.
    mutating func processClientInput(_ out: inout ActionBuffer) {
        do {
            while true {
                switch phase {
                case .awaitingStartup:
                    guard let frame = try clientFramer.next() else { return }
                    handleStartupPacket(frame, &out)
                case .awaitingClientTLS:
                    // Bytes before the handshake would be plaintext the client
                    // never sent this way (CVE-2021-23214); the host must not
                    // pass any, but if it does, refuse them.
                    if clientFramer.bufferedByteCount > 0 {
                        return protocolViolation(&out, "the client sent data before the TLS handshake")
                    }
                    return
                case .awaitingPassword:
                    guard let frame = try clientFramer.next() else { return }
                    handlePasswordMessage(frame, &out)
                case .ready:
                    switch try processReadyClientMessage(&out) {
                    case .handled: continue
                    case .needMoreBytes: return
                    case .held: return checkHeldClientInput(&out)
                    }
                case .closed:
                    return
                case .authenticating, .openingUpstream, .awaitingUpstreamSSLResponse, .awaitingUpstreamTLS,
                     .authenticatingUpstream, .startingUpstream, .resolvingSources:
                    // A client waits for ReadyForQuery; anything sent early is
                    // held in the framer and handled once the session is ready.
                    return checkHeldClientInput(&out)
                }
            }
        } catch {
            protocolViolation(&out, "invalid message framing from the client: \(error)")
        }
    }

    /// Ends the session when a client keeps sending while its input is held.
    private mutating func checkHeldClientInput(_ out: inout ActionBuffer) {
        let limit = identity == nil ? limits.maxAuthMessageLength : limits.maxPendingClientBytes
        guard clientFramer.bufferedByteCount > limit else { return }
        closeSession(&out, clientError: BackendMessages.errorResponse(
            .fatal, code: "54000", message: "too much client input while waiting"),
            log: (.warning, "client sent more than \(limit) bytes while its input was held"))
    }

    private mutating func handleStartupPacket(_ frame: PostgresFrame, _ out: inout ActionBuffer) {
        guard let packet = StartupPacket(body: frame.body) else {
            return protocolViolation(&out, "invalid startup packet")
        }
        switch packet {
        case .sslRequest:
            guard !clientTLSActive else { return protocolViolation(&out, "SSLRequest on an encrypted connection") }
            guard clientTLSAvailable else { return out.sendToClient([UInt8(ascii: "N")]) }
            guard clientFramer.bufferedByteCount == 0 else {
                return protocolViolation(&out, "the client sent unencrypted data after SSLRequest")
            }
            out.sendToClient([UInt8(ascii: "S")])
            out.append(.startClientTLS)
            phase = .awaitingClientTLS
        case .gssEncRequest:
            guard !clientTLSActive else { return protocolViolation(&out, "GSSENCRequest on an encrypted connection") }
            // Refused; libpq then falls back to SSLRequest or plain startup.
            out.sendToClient([UInt8(ascii: "N")])
        case .cancelRequest(let key):
            handleCancelRequest(key, &out)
        case .unsupportedVersion(let major, let minor):
            closeSession(&out, clientError: BackendMessages.errorResponse(
                .fatal, code: "0A000",
                message: "unsupported frontend protocol \(major).\(minor): Warden supports 3.0"),
                log: (.info, "client asked for unsupported protocol \(major).\(minor)"))
        case .startup(let message):
            handleStartupMessage(message, &out)
        }
    }

    private mutating func handleCancelRequest(_ key: BackendKey, _ out: inout ActionBuffer) {
        // PostgreSQL answers a cancel request with nothing but closing the connection.
        if let target = cancelKeys.target(for: key) {
            out.log(.info, "forwarding a cancel request for connection \(target.connection)")
            out.append(.forwardCancel(connection: target.connection,
                                      upstreamProcessID: target.upstreamKey.processID,
                                      upstreamSecretKey: target.upstreamKey.secretKey, session: target.session))
        } else {
            out.log(.info, "ignoring a cancel request with an unknown key")
        }
        closeSession(&out, clientError: nil, log: nil)
    }

    private mutating func handleStartupMessage(_ message: StartupMessage, _ out: inout ActionBuffer) {
        guard clientTLSActive else {
            return closeSession(&out, clientError: BackendMessages.errorResponse(
                .fatal, code: "28000", message: "Warden accepts only encrypted connections",
                hint: "Connect with sslmode=require (or verify-full)."),
                log: (.info, "refused a startup without TLS"))
        }
        let startup: ClientStartup
        do {
            startup = try ClientStartup(message)
        } catch {
            return closeSession(&out, clientError: BackendMessages.errorResponse(
                .fatal, code: error.code, message: error.message, hint: error.hint),
                log: (.info, "refused a startup: \(error.message)"))
        }
        self.startup = startup
        var logLine = "client startup: user \(startup.user), connection \(startup.database)"
        if !startup.droppedParameterNames.isEmpty {
            logLine += "; not forwarded: \(startup.droppedParameterNames.joined(separator: ", "))"
        }
        out.log(.info, logLine)
        if startup.minorVersion > 0 || !startup.protocolOptions.isEmpty {
            out.sendToClient(BackendMessages.negotiateProtocolVersion(
                newestMinor: 0, unsupportedOptions: startup.protocolOptions))
        }
        out.sendToClient(BackendMessages.authenticationCleartextPassword())
        clientFramer.mode = .typed
        clientFramer.maxMessageLength = limits.maxAuthMessageLength
        phase = .awaitingPassword
    }

    private mutating func handlePasswordMessage(_ frame: PostgresFrame, _ out: inout ActionBuffer) {
        if frame.type == FrontendMessageType.terminate { return closeSession(&out, clientError: nil, log: nil) }
        guard frame.type == FrontendMessageType.password, let startup else {
            return protocolViolation(&out, "expected a password message")
        }
        var reader = ByteReader(frame.body)
        guard let token = reader.readCString(), reader.isAtEnd else {
            return protocolViolation(&out, "invalid password message")
        }
        guard !token.isEmpty else {
            return closeSession(&out, clientError: BackendMessages.errorResponse(
                .fatal, code: "28000", message: "no token was given as the password",
                hint: "Pass an OIDC access or ID token as the password (PGPASSWORD)."),
                log: (.info, "client sent an empty password"))
        }
        phase = .authenticating
        out.append(.authenticate(token: token, connection: startup.database, user: startup.user))
    }
}
