import WardenPluginSDK
import WardenSQLCore

/// One MySQL client session as a pure state machine: bytes and host
/// completions in, ``MySQLSessionAction``s out. The gateway speaks first
/// (its own greeting), takes the client's OIDC token as its password over
/// TLS, signs in upstream with the gateway-held account, then relays
/// commands one at a time, each after the policy's verdict.
struct MySQLSessionMachine {
    enum Phase: Equatable {
        /// The greeting is out; the client's SSLRequest is awaited.
        case greeted
        case clientTLS
        /// Over TLS: the client's HandshakeResponse41.
        case handshakeResponse
        /// The client was asked to switch to caching_sha2_password.
        case switchingMethod
        /// The client was asked for its password (the token) in clear, over TLS.
        case awaitingPassword
        case authenticating
        case openingUpstream
        case upstreamSignIn
        /// The gateway's own query for the session's sql_mode is out.
        case readingSQLMode
        /// Signed in without naming a connection: one KILL may follow.
        case killOnly
        case ready
        case closed
    }

    var phase = Phase.greeted
    let greeting: ServerGreeting
    var clientFramer = PacketFramer(maxPayload: MySQLSessionMachine.maxSignInPacket)
    var upstreamFramer = PacketFramer(maxPayload: Int(Int32.max))
    /// The sequence id of the next packet to the client.
    var clientSequence: UInt8 = 0
    /// The client's handshake response, once read.
    var client: HandshakeResponse?
    var settings: MySQLUpstreamSettings?
    /// On a connection with masking rules: which statements read masked columns.
    var maskedReads: MaskedReads?
    var upstream = UpstreamSignIn()
    /// How the server reads text now (its sql_mode).
    var syntax = MySQLSyntax()
    var sqlModeReader = SQLModeReader()
    /// The command waiting for a verdict or its answer; nil when idle.
    var command: CommandInFlight?
    var prepared = PreparedStatements()
    let resultCaptureLimit: Int
    let fieldMasker: (any MySQLFieldMasker)?
    /// Every session of the plugin, for KILL from another connection.
    let directory: SessionDirectory
    /// Who signed in, once the host said so.
    var subject: String?
    /// A connection that named no database, for the KILL it sends.
    var killConnection: KillConnection?
    /// The session ends once the command in flight is answered.
    var closeAfterCommand = false

    /// Sign-in packets are small; the token is the longest part.
    static let maxSignInPacket = 64 * 1024

    init(greeting: ServerGreeting, resultCaptureLimit: Int, fieldMasker: (any MySQLFieldMasker)?,
         directory: SessionDirectory = SessionDirectory()) {
        self.greeting = greeting
        self.resultCaptureLimit = resultCaptureLimit
        self.fieldMasker = fieldMasker
        self.directory = directory
    }

    /// The gateway speaks first.
    mutating func start() -> [MySQLSessionAction] {
        var out: [MySQLSessionAction] = []
        sendToClient(greeting.payload, &out)
        return out
    }

    /// The client's input waits while the session cannot take it.
    var isClientInputBlocked: Bool {
        switch phase {
        case .greeted, .clientTLS, .handshakeResponse, .switchingMethod, .awaitingPassword, .killOnly, .closed: false
        case .ready: command != nil
        default: true
        }
    }

    /// The host stops reading the client only once a command's worth of
    /// input waits: a MySQL client sends its next command after the answer,
    /// so pausing and resuming the socket around every statement (two
    /// epoll_ctl calls each) would cost more than the little it buffers.
    var shouldPauseClient: Bool {
        isClientInputBlocked && clientFramer.bufferedCount >= Self.pauseThreshold
    }

    static let pauseThreshold = 64 * 1024

    mutating func clientData(_ bytes: UnsafeRawBufferPointer) -> [MySQLSessionAction] {
        clientFramer.append(bytes)
        var out: [MySQLSessionAction] = []
        processClientPackets(&out)
        return out
    }

    mutating func processClientPackets(_ out: inout [MySQLSessionAction]) {
        while phase != .closed, !isClientInputBlocked, let packet = clientFramer.next() {
            if let length = packet.droppedLength {
                refuseOversized(packet, length: length, &out)
            } else if phase == .killOnly {
                handleKillConnectionCommand(packet, &out)
            } else if phase == .ready {
                handleCommand(packet, &out)
            } else {
                handleClientSignIn(packet, &out)
            }
        }
    }

    /// A packet longer than this connection takes was dropped as it came:
    /// in the command phase it gets the server's own error and the session
    /// goes on; during sign-in it ends the session.
    private mutating func refuseOversized(_ packet: MySQLPacket, length: Int, _ out: inout [MySQLSessionAction]) {
        clientSequence = packet.sequence &+ 1
        let limit = clientFramer.maxPayload - 1
        let message = "the statement is \(length) bytes, more than this connection's limit of \(limit) "
            + "(connections[].max_statement_bytes in Warden's configuration)"
        guard phase == .ready else {
            return fail(&out, client: .accessDenied("a sign-in packet of \(length) bytes"), log: "refused a \(length)-byte sign-in packet")
        }
        out.append(.log(.warning, "refused a \(length)-byte packet (limit \(limit))"))
        sendToClient(ErrorPacket(code: 1153, sqlState: "08S01", message: message).payload, &out)
    }

    mutating func upstreamData(_ bytes: UnsafeRawBufferPointer) -> [MySQLSessionAction] {
        upstreamFramer.append(bytes)
        var out: [MySQLSessionAction] = []
        while phase != .closed, let packet = upstreamFramer.next() {
            guard packet.droppedLength == nil else {
                fail(&out, client: .sessionEnded("the upstream server sent a packet of more than 2 GiB"), log: "the upstream sent an oversized packet")
                break
            }
            switch phase {
            case .upstreamSignIn: handleUpstreamSignIn(packet, &out)
            case .readingSQLMode: handleSQLModeAnswer(packet, &out)
            case .ready: handleUpstreamResponse(packet, &out)
            default:
                fail(&out, client: .sessionEnded("the upstream server spoke out of turn"), log: "the upstream sent a packet out of turn")
            }
        }
        // A command that ended lets the next buffered one go.
        if phase == .ready, command == nil { processClientPackets(&out) }
        return out
    }

    mutating func clientClosed() -> [MySQLSessionAction] {
        phase = .closed
        return []
    }

    mutating func upstreamClosed() -> [MySQLSessionAction] {
        var out: [MySQLSessionAction] = []
        if phase != .closed {
            fail(&out, client: .sessionEnded("the upstream server closed the connection"), log: "the upstream closed the connection")
        }
        return out
    }

    /// The host ends the session (token expired, session limit).
    mutating func endedByHost(message: String) -> [MySQLSessionAction] {
        var out: [MySQLSessionAction] = []
        if phase != .closed { fail(&out, client: .sessionEnded(message), log: nil) }
        return out
    }

    // MARK: Output

    mutating func sendToClient(_ payload: [UInt8], _ out: inout [MySQLSessionAction]) {
        var bytes: [UInt8] = []
        PacketFramer.frame(payload, sequence: &clientSequence, into: &bytes)
        out.append(.sendToClient(bytes))
    }

    /// Ends the session with an error the client can read, then closes.
    mutating func fail(_ out: inout [MySQLSessionAction], client error: ErrorPacket, log: String?) {
        if let log { out.append(.log(.warning, log)) }
        if phase != .closed {
            sendToClient(error.payload, &out)
        }
        phase = .closed
        out.append(.closeClient)
    }
}

/// Masks result fields through the host's maskers.
protocol MySQLFieldMasker {
    /// New values by index; nil when the host could not mask (the row is then refused).
    func mask(_ fields: [Field]) -> [Int: String]?
}
