/// How a session ends, from either side or on a protocol violation.
extension PostgresSessionMachine {
    mutating func clientClosed() -> [PostgresSessionAction] {
        guard phase != .closed else { return [] }
        var out = ActionBuffer()
        clientOpen = false
        closeSession(&out, clientError: nil, log: (.info, "client closed the connection"))
        return out.actions
    }

    mutating func upstreamClosed() -> [PostgresSessionAction] {
        guard phase != .closed else { return [] }
        var out = ActionBuffer()
        upstreamConnected = false
        if phase == .ready {
            // If the upstream already sent its FATAL (shutdown, terminated
            // backend), the client has the real reason.
            let error = upstreamSentFatal ? nil : BackendMessages.errorResponse(
                .fatal, code: "57P01", message: "the upstream database closed the connection")
            closeSession(&out, clientError: error, log: (.info, "the upstream closed the connection"))
        } else {
            closeSession(&out, clientError: BackendMessages.errorResponse(
                .fatal, code: "08006", message: "the upstream database closed the connection during sign-in"),
                log: (.error, "the upstream of \(connectionName ?? "?") closed the connection during sign-in"))
        }
        return out.actions
    }

    /// The host ends the session for a reason of its own (the client's token
    /// expired, the session reached its maximum length): the client gets
    /// FATAL `code` with the host's message, the upstream a Terminate.
    mutating func endedByHost(code: String, message: String) -> [PostgresSessionAction] {
        guard phase != .closed else { return [] }
        var out = ActionBuffer()
        closeSession(&out, clientError: BackendMessages.errorResponse(.fatal, code: code, message: message),
                     log: (.info, "the gateway ended the session: \(message)"))
        return out.actions
    }

    /// Ends the session with FATAL 08P01, PostgreSQL's answer to a protocol violation.
    mutating func protocolViolation(_ out: inout ActionBuffer, _ reason: String, fromUpstream: Bool = false) {
        let message = fromUpstream ? "protocol violation by the upstream database" : "protocol violation"
        closeSession(&out, clientError: BackendMessages.errorResponse(.fatal, code: "08P01", message: message),
                     log: (.warning, reason))
    }

    /// Closes whatever is open and releases the session's cancel key.
    ///
    /// - Parameters:
    ///   - clientError: a final message for the client, sent before closing it.
    ///   - terminateUpstream: send Terminate first when the upstream session
    ///     is established, so it ends cleanly rather than seeing EOF.
    mutating func closeSession(_ out: inout ActionBuffer, clientError: [UInt8]?, log: (LogLevel, String)?,
                               terminateUpstream: Bool = true) {
        guard phase != .closed else { return }
        if let log { out.log(log.0, log.1) }
        if clientOpen {
            if let clientError { out.sendToClient(clientError) }
            out.append(.closeClient)
            clientOpen = false
        }
        if upstreamConnected {
            if terminateUpstream, phase == .ready || phase == .startingUpstream {
                out.sendToUpstream(FrontendMessages.terminate())
            }
            out.append(.closeUpstream)
            upstreamConnected = false
        }
        if let clientKey {
            cancelKeys.release(clientKey)
            self.clientKey = nil
        }
        pendingQuery = nil
        inFlight = nil
        phase = .closed
    }
}
