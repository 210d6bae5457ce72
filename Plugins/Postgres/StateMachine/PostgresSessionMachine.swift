/// The PostgreSQL protocol logic of one Warden session, as a pure state machine.
///
/// The adapter feeds it events — bytes from either side, completions of host
/// work — and performs the ``PostgresSessionAction``s each event returns, in
/// order. The machine does no I/O and holds no locks (the shared
/// ``CancelKeyRegistry`` is injected), so every path is testable with byte
/// fixtures. Shape and conventions follow postgres-nio's ConnectionStateMachine.
///
/// A session runs through these phases:
/// 1. client startup: optional SSLRequest → TLS, StartupMessage (TLS required),
///    cleartext-password request, the OIDC token as password → `authenticate`;
/// 2. upstream: `openUpstream`, optional SSLRequest → TLS, StartupMessage
///    with the gateway's credentials, password/md5/SCRAM sign-in, then the
///    upstream's ParameterStatus/BackendKeyData/ReadyForQuery go to the client
///    (with Warden's own cancel key);
/// 3. ready: each simple Query waits for a policy verdict; results relay unchanged.
///
/// Peer misbehaviour ends the session with a protocol-native FATAL error;
/// it never traps. Not `Sendable`: one session is driven from one place.
struct PostgresSessionMachine {
    enum Phase: Equatable {
        case awaitingStartup
        case awaitingClientTLS
        case awaitingPassword
        case authenticating
        case openingUpstream
        case awaitingUpstreamSSLResponse
        case awaitingUpstreamTLS
        case authenticatingUpstream
        case startingUpstream
        /// Reading the catalog (foreign keys, where masked columns live) before
        /// the client's first statement.
        case resolvingSources
        case ready
        case closed
    }

    var phase = Phase.awaitingStartup

    let clientTLSAvailable: Bool
    let cancelKeys: any CancelKeyRegistry
    /// The host's handle of this session, registered with the cancel key so
    /// that a cancel request can end a wait for approval; 0 in tests.
    let hostSession: UInt64
    let limits: PostgresSessionLimits
    /// Bytes of each statement's result values to capture for replay; 0 captures none.
    let resultCaptureLimit: Int
    let makeNonce: () -> String

    var clientFramer: MessageFramer
    var upstreamFramer: MessageFramer
    var clientTLSActive = false
    var upstreamTLSActive = false
    /// The host has a live client connection we have not asked it to close.
    var clientOpen = true
    /// The host reported the upstream open and we have not asked it to close it.
    var upstreamConnected = false

    var startup: ClientStartup?
    var identity: AuthenticatedIdentity?
    var credentials: UpstreamCredentials?
    var upstreamAuthenticator: UpstreamAuthenticator?
    /// The key Warden gave the client, registered in ``cancelKeys``.
    var clientKey: BackendKey?

    // Ready phase.
    var transactionStatus = TransactionStatus.idle
    /// The exact bytes of a Query awaiting its verdict.
    var pendingQuery: [UInt8]?
    /// The allowed statement the upstream is running, until its ReadyForQuery.
    var inFlight: StatementTracker?
    /// Prepared statements, portals and pipelined executions.
    var extended = ExtendedProtocolState()
    /// The upstream already told the client why it is ending the session.
    var upstreamSentFatal = false

    // Masking: set when the connection has masking rules.
    let fieldMasker: (any FieldMasker)?
    var masking: ResultMasking?
    /// The upstream's first ReadyForQuery, held while the catalog queries run.
    var heldReadyForQuery: [UInt8]?
    /// What the catalog queries at the session's start are for, in order;
    /// the first is the one whose rows arrive now.
    var pendingCatalogQueries: [CatalogQuery] = []
    /// Tables a write reaches through foreign keys.
    var foreignKeys = ForeignKeyGraph()
    /// The masking analysis of the latest statement, which its decision and
    /// its run both need: one parse, not two.
    var maskingMemo: (text: ExactText, analysis: MaskedDataFlow.Analysis)?

    /// - Parameters:
    ///   - clientTLSAvailable: whether the host can upgrade the client to TLS.
    ///     Without TLS no StartupMessage is accepted.
    ///   - cancelKeys: the plugin-wide cancel key table.
    ///   - resultCaptureLimit: bytes of each statement's result to report in
    ///     `statementFinished` for replay (the host's setting); 0 for none.
    ///   - makeNonce: SCRAM client nonces; injected so tests are deterministic.
    init(clientTLSAvailable: Bool,
         cancelKeys: any CancelKeyRegistry,
         limits: PostgresSessionLimits = PostgresSessionLimits(),
         resultCaptureLimit: Int = 0,
         fieldMasker: (any FieldMasker)? = nil,
         hostSession: UInt64 = 0,
         makeNonce: @escaping () -> String = SCRAMSHA256Client.makeNonce) {
        self.clientTLSAvailable = clientTLSAvailable
        self.fieldMasker = fieldMasker
        self.hostSession = hostSession
        self.cancelKeys = cancelKeys
        self.limits = limits
        self.resultCaptureLimit = resultCaptureLimit
        self.makeNonce = makeNonce
        self.clientFramer = MessageFramer(mode: .startup, maxMessageLength: limits.maxStartupPacketLength)
        self.upstreamFramer = MessageFramer(mode: .typed, maxMessageLength: limits.maxUpstreamMessageLength)
    }

    /// The database name the client asked for, once known.
    var connectionName: String? { startup?.database }

    /// Whether an allowed simple-protocol statement is running; a pattern
    /// match, so the tracker and its captured rows are not copied to ask.
    var statementRunning: Bool {
        if case .some = inFlight { true } else { false }
    }

    /// True while the machine waits for the host (token validation, the
    /// upstream, a verdict) and holds client messages. The adapter may pause
    /// reading from the client meanwhile. Not true while a statement runs:
    /// COPY FROM STDIN data must keep flowing then.
    var isClientInputBlocked: Bool {
        switch phase {
        case .awaitingStartup, .awaitingClientTLS, .awaitingPassword, .closed: false
        case .ready: awaitingVerdict || extended.settingsCheck != nil
        default: true
        }
    }

    /// A Query, Parse or Execute waits for the host's verdict.
    var awaitingVerdict: Bool { pendingQuery != nil || extended.pending != nil }

    // MARK: - Events

    /// Bytes read from the client (plaintext, after TLS if any).
    mutating func clientData(_ bytes: some Collection<UInt8>) -> [PostgresSessionAction] {
        guard phase != .closed else { return [] }
        var out = ActionBuffer()
        clientFramer.append(bytes)
        processClientInput(&out)
        return out.actions
    }

    /// Bytes read from the upstream (plaintext, after TLS if any).
    mutating func upstreamData(_ bytes: some Collection<UInt8>) -> [PostgresSessionAction] {
        guard phase != .closed else { return [] }
        var out = ActionBuffer()
        upstreamFramer.append(bytes)
        processUpstreamInput(&out)
        return out.actions
    }

    mutating func clientTLSEstablished() -> [PostgresSessionAction] {
        guard phase == .awaitingClientTLS else { return unexpectedEvent("clientTLSEstablished") }
        var out = ActionBuffer()
        clientTLSActive = true
        phase = .awaitingStartup
        processClientInput(&out)
        return out.actions
    }

    mutating func authenticated(_ identity: AuthenticatedIdentity) -> [PostgresSessionAction] {
        guard phase == .authenticating, let startup else { return unexpectedEvent("authenticated") }
        var out = ActionBuffer()
        self.identity = identity
        phase = .openingUpstream
        // The client is known now; its later messages may be as large as the protocol allows.
        clientFramer.maxMessageLength = limits.maxMessageLength
        out.log(.info, "client authenticated as \(identity.subject) for connection \(startup.database)")
        out.append(.openUpstream(connection: startup.database))
        return out.actions
    }

    mutating func authenticationFailed(reason: String) -> [PostgresSessionAction] {
        guard phase == .authenticating else { return unexpectedEvent("authenticationFailed") }
        var out = ActionBuffer()
        closeSession(&out, clientError: BackendMessages.errorResponse(.fatal, code: "28000", message: reason),
                     log: (.info, "client authentication failed: \(reason)"))
        return out.actions
    }

    mutating func decided(_ verdict: Verdict) -> [PostgresSessionAction] {
        guard phase == .ready, awaitingVerdict else { return unexpectedEvent("decided") }
        var out = ActionBuffer()
        guard let query = pendingQuery else {
            extendedDecided(verdict, &out)
            processClientInput(&out)
            return out.actions
        }
        pendingQuery = nil
        switch verdict {
        case .allow(let actionID):
            inFlight = StatementTracker(actionID: actionID, resultCaptureLimit: resultCaptureLimit)
            prepareMasking(for: query)
            if query.count > 6 { extended.apply(NamespaceChanges.of(String(decoding: query[5..<(query.count - 1)], as: UTF8.self))) }
            out.sendToUpstream(query)
        case .deny, .unavailable:
            let refusal = verdict.refusal!
            refuseQuery(&out, code: refusal.code, message: refusal.message)
        }
        processClientInput(&out)
        return out.actions
    }

    /// The verdict waits for a human: tell the client, whose statement stays
    /// held (the upstream has not seen it) until ``decided(_:)``.
    mutating func approvalPending(id: String, message: String) -> [PostgresSessionAction] {
        guard phase == .ready, awaitingVerdict else { return unexpectedEvent("approvalPending") }
        var out = ActionBuffer()
        out.sendToClient(BackendMessages.noticeResponse(
            .notice, code: "00000", message: message,
            hint: "The statement runs once it is approved; cancel it by closing the session."))
        return out.actions
    }

    /// Events that arrive after the session ended are normal races (the host
    /// finished some work after a peer left) and are ignored; anything else
    /// is an adapter bug, logged rather than trapped so it cannot take down
    /// the host process.
    func unexpectedEvent(_ name: String) -> [PostgresSessionAction] {
        guard phase != .closed else { return [] }
        return [.log(level: .error, message: "Postgres session: unexpected \(name) in phase \(phase)")]
    }
}
