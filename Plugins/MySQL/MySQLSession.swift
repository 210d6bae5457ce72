import WardenPluginSDK

/// The SDK adapter around ``MySQLSessionMachine``: host completions in,
/// the machine's actions performed as host calls.
package final class MySQLSession: ProtocolSession {
    private var machine: MySQLSessionMachine
    private let context: SessionContext
    private var clientPaused = false

    private let directory: SessionDirectory
    private var registeredID: UInt32?

    package init(context: SessionContext, info: SessionInfo, connectionID: UInt32, directory: SessionDirectory) throws {
        self.context = context
        self.directory = directory
        var capabilities = Capabilities.offered
        if !info.clientTLSAvailable { capabilities.remove(.ssl) }
        let greeting = ServerGreeting(
            serverVersion: info.options["server_version"] ?? MySQLSession.defaultServerVersion,
            connectionID: connectionID, scramble: Scramble.make(), capabilities: capabilities,
            characterSet: CharacterSets.utf8mb4GeneralCI, authPlugin: MySQLSessionMachine.cachingSHA2)
        machine = MySQLSessionMachine(
            greeting: greeting, resultCaptureLimit: info.resultCaptureLimit, fieldMasker: HostFieldMasker(context: context),
            directory: directory)
        try perform(withMachine { $0.start() })
    }

    /// What clients read as the server's version before they reach the
    /// upstream (listener option `server_version`). MariaDB's "5.5.5-"
    /// prefix keeps clients that read the first number from taking 10 for 1.
    package static let defaultServerVersion = "5.5.5-10.11.0-MariaDB-Warden"

    package func received(_ bytes: UnsafeRawBufferPointer, from side: Side) throws -> Flow {
        switch side {
        case .client: try perform(withMachine { $0.clientData(bytes) })
        case .upstream: try perform(withMachine { $0.upstreamData(bytes) })
        }
    }

    package func completed(_ completion: Completion) throws -> Flow {
        switch completion {
        case .tls(_, .client, nil):
            return try perform(withMachine { $0.clientTLSEstablished() })
        case .tls(_, .client, .some):
            return .close
        case .tls(_, .upstream, nil):
            return try perform(withMachine { $0.upstreamTLSEstablished() })
        case .tls(_, .upstream, .some(let reason)):
            return try perform(withMachine { $0.upstreamTLSFailed(reason: reason) })
        case .authenticated(_, .success(let identity)):
            return try perform(withMachine { $0.authenticated(identity) })
        case .authenticated(_, .failure(let refusal)):
            return try perform(withMachine { $0.authenticationFailed(reason: refusal.reason) })
        case .upstreamOpened(_, .success(let values)):
            return try perform(withMachine { $0.upstreamOpened(MySQLUpstreamSettings(values)) })
        case .upstreamOpened(_, .failure(let refusal)):
            return try perform(withMachine { $0.upstreamFailed(reason: refusal.reason) })
        case .decided(_, .allow(let actionID, _)):
            return try perform(withMachine { $0.decided(.allow(actionID: actionID)) })
        case .decided(_, .deny(let reason)):
            return try perform(withMachine { $0.decided(.deny(reason: reason)) })
        case .decided(_, .unavailable(let reason)):
            return try perform(withMachine { $0.decided(.unavailable(reason: reason)) })
        case .decisionPending(_, let approvalID, _):
            // The protocol has no notice a client shows while it waits.
            context.log(.info, "statement held for approval \(approvalID)")
            return .continue
        case .woken, .upstreamClosed:
            return .close
        }
    }

    /// A session that failed in a host call ends without another event: its
    /// KILL entry goes when the host releases it.
    deinit {
        leaveDirectory()
    }

    /// Off the KILL list, at once when the session closes: the host releases
    /// the session object later, and meanwhile its id must be unknown.
    private func leaveDirectory() {
        if let registeredID { directory.remove(registeredID) }
        registeredID = nil
    }

    package func closed(_ side: Side) {
        _ = try? perform(withMachine { side == .client ? $0.clientClosed() : $0.upstreamClosed() })
    }

    package func ending(_ ending: SessionEnding) {
        _ = try? perform(withMachine { $0.endedByHost(message: ending.message) })
    }

    package func failureMessage(for error: any Error) -> [UInt8]? {
        PacketFramer.frame(ErrorPacket.sessionEnded("Warden closed the session after an internal error").payload, sequence: 1)
    }

    private func withMachine<R>(_ body: (inout MySQLSessionMachine) -> R) -> R { body(&machine) }

    private func perform(_ actions: [MySQLSessionAction]) throws -> Flow {
        var flow = Flow.continue
        for action in actions {
            switch action {
            case .sendToClient(let bytes): try context.write(bytes, to: .client)
            case .sendToUpstream(let bytes): try context.write(bytes, to: .upstream)
            case .startClientTLS(let received): try context.startTLS(.client, replaying: received)
            case .startUpstreamTLS: try context.startTLS(.upstream)
            case .authenticate(let token, let connection, let user):
                try context.authenticate(token: token, connection: connection, clientUser: user)
            case .openUpstream(let connection): try context.openUpstream(connection: connection)
            case .decide(let action): try context.decide(action)
            case .finished(let result): try context.record(result)
            case .register(let thread):
                let (id, entry) = withMachine { machine in
                    (machine.greeting.connectionID, SessionDirectory.Entry(
                        subject: machine.subject ?? "", connection: machine.client?.database ?? "",
                        upstreamThread: thread, session: context.handle))
                }
                directory.register(id, entry)
                registeredID = id
            case .cancelHeld(let session):
                try? context.host.cancelHeld(session: session, reason: "canceled by the client (KILL)")
            case .closeClient:
                flow = .close
            case .log(let level, let message): context.log(level, message)
            }
        }
        if withMachine({ $0.phase == .closed }) { leaveDirectory() }
        let blocked = withMachine { $0.shouldPauseClient }
        if blocked != clientPaused {
            if blocked { try context.pause(.client) } else { try context.resume(.client) }
            clientPaused = blocked
        }
        return flow
    }
}

/// Masks through the host, which applies the connection's rules with its masker plugins.
struct HostFieldMasker: MySQLFieldMasker {
    let context: SessionContext

    func mask(_ fields: [Field]) -> [Int: String]? { try? context.mask(fields) }
}

/// The 20 random bytes of a greeting. None is NUL (clients read it as a C string) or '$'.
enum Scramble {
    static func make() -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<20).map { _ in UInt8.random(in: 1...0x7F, using: &generator) }.map { $0 == 0x24 ? 0x25 : $0 }
    }
}

extension MySQLSession {
    /// An ERR packet in place of the greeting, as the server sends when it turns a client away.
    package static func refusal(tooManyConnections: Bool, message: String) -> [UInt8] {
        let error = tooManyConnections ? ErrorPacket.tooManyConnections(message)
            : ErrorPacket(code: 1130, sqlState: "HY000", message: message)
        return PacketFramer.frame(error.payload, sequence: 0)
    }
}
