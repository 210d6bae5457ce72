import WardenSQLCore
import WardenPluginSDK

/// The PostgreSQL protocol plugin: the SDK adapter around
/// ``PostgresSessionMachine``. Everything protocol-specific lives in the
/// machine; this file only turns its actions into host calls and host
/// completions into its events.
struct PostgresPlugin: ProtocolPlugin {
    static let manifest = PluginManifest(
        name: "postgres", kind: .protocol, version: "1.0.0",
        description: "PostgreSQL frontend/backend protocol 3.0: TLS, OIDC sign-in, simple and extended query protocols, masking",
        capabilities: [.clientTLSUpgrade, .upstreamTLSUpgrade, .cancelForwarding, .approvalNotices, .masking])

    /// Shared by every session: a cancel request arrives on a new connection.
    let cancelKeys = CancelKeyTable()
    /// Shared by every session: statements of the same shape share a classification.
    let shapes = StatementShapes()

    init(host: PluginHost) {}

    func makeSession(context: SessionContext, info: SessionInfo) -> any ProtocolSession {
        PostgresSession(
            machine: PostgresSessionMachine(
                clientTLSAvailable: info.clientTLSAvailable, cancelKeys: cancelKeys,
                resultCaptureLimit: info.resultCaptureLimit, fieldMasker: HostFieldMasker(context: context),
                hostSession: context.handle.rawValue),
            context: context, classifications: ClassificationCache(shapes: shapes))
    }

    /// A client the host turns away before its session starts gets what
    /// PostgreSQL itself sends: `FATAL 53300` for too many connections,
    /// `08004` (connection rejected) for any other reason.
    func refusal(_ reason: ClientRefusal, message: String) -> [UInt8]? {
        BackendMessages.errorResponse(.fatal, code: reason == .tooManyConnections ? "53300" : "08004", message: message)
    }
}

@_cdecl("warden_plugin_entry")
public func wardenPluginEntry() -> UnsafeRawPointer { exportPlugin(PostgresPlugin.self) }

/// One client session: feeds the machine, performs its actions.
final class PostgresSession: ProtocolSession {
    private var machine: PostgresSessionMachine
    private let context: SessionContext
    private var clientPaused = false
    private var classifications: ClassificationCache
    /// A long statement being analysed on a thread of its own.
    private var pendingAnalysis: PendingAnalysis?

    init(machine: PostgresSessionMachine, context: SessionContext, classifications: ClassificationCache) {
        self.machine = machine
        self.context = context
        self.classifications = classifications
    }

    func received(_ bytes: UnsafeRawBufferPointer, from side: Side) throws -> Flow {
        switch side {
        case .client: try perform(machine.clientData(bytes))
        case .upstream: try perform(machine.upstreamData(bytes))
        }
    }

    func completed(_ completion: Completion) throws -> Flow {
        switch completion {
        case .tls(_, .client, nil):
            return try perform(machine.clientTLSEstablished())
        case .tls(_, .client, .some):
            return .close  // nothing can be said to a client whose handshake failed
        case .tls(_, .upstream, nil):
            return try perform(machine.upstreamTLSEstablished())
        case .tls(_, .upstream, .some(let reason)):
            return try perform(machine.upstreamTLSFailed(reason: reason))
        case .authenticated(_, .success(let identity)):
            return try perform(machine.authenticated(AuthenticatedIdentity(subject: identity.subject, groups: identity.groups)))
        case .authenticated(_, .failure(let refusal)):
            return try perform(machine.authenticationFailed(reason: refusal.reason))
        case .upstreamOpened(_, .success(let values)):
            return try perform(machine.upstreamOpened(UpstreamCredentials(values)))
        case .upstreamOpened(_, .failure(let refusal)):
            return try perform(machine.upstreamFailed(reason: refusal.reason))
        case .decided(_, .allow(let actionID, _)):
            return try perform(machine.decided(.allow(actionID: actionID)))
        case .decided(_, .deny(let reason)):
            return try perform(machine.decided(.deny(reason: reason)))
        case .decided(_, .unavailable(let reason)):
            return try perform(machine.decided(.unavailable(reason: reason)))
        case .decisionPending(_, let approvalID, let message):
            return try perform(machine.approvalPending(id: approvalID, message: message))
        case .woken(let request):
            guard let pending = pendingAnalysis, pending.request == request, let analysis = pending.take() else {
                return .continue
            }
            pendingAnalysis = nil
            try decide(pending.text, prepared: pending.prepared, analysis)
            return try perform([])
        case .upstreamClosed:
            // Only for plugins that declare upstreamReconnect: a session is one server connection.
            return .close
        }
    }

    func closed(_ side: Side) {
        let actions = side == .client ? machine.clientClosed() : machine.upstreamClosed()
        _ = try? perform(actions)
        // Its large statements' buffers and records are freed by now.
        if classifications.sawLargeText { StatementShapes.returnFreedMemory() }
    }

    /// The host ends the session: an expired token is an authorization
    /// failure (28000: sign in again), any other reason a shutdown of this
    /// connection (57P01, after which pools simply reconnect).
    func ending(_ ending: SessionEnding) {
        let code = ending.reason == .tokenExpired ? "28000" : "57P01"
        _ = try? perform(machine.endedByHost(code: code, message: ending.message))
    }

    func failureMessage(for error: any Error) -> [UInt8]? {
        BackendMessages.errorResponse(.fatal, code: "XX000", message: "Warden closed the session after an internal error")
    }

    private func perform(_ actions: [PostgresSessionAction]) throws -> Flow {
        var flow = Flow.continue
        for action in actions {
            switch action {
            case .sendToClient(let bytes):
                try context.write(bytes, to: .client)
            case .sendToUpstream(let bytes):
                try context.write(bytes, to: .upstream)
            case .startClientTLS:
                try context.startTLS(.client)
            case .startUpstreamTLS:
                try context.startTLS(.upstream)
            case .authenticate(let token, let connection, let user):
                try context.authenticate(token: token, connection: connection, clientUser: user)
            case .openUpstream(let connection):
                try context.openUpstream(connection: connection)
            case .decide(let statement, let prepared):
                if statement.utf8.count >= StatementAnalysis.offloadBytes, analyzeElsewhere(statement, prepared: prepared) {
                    break
                }
                try decide(statement, prepared: prepared, StatementAnalysis(action: classifications.action(for: statement)))
            case .statementFinished(let rows, let tags, let error, let result, let actionID):
                try context.record(ActionResult(
                    actionID: actionID, rows: UInt64(rows), summary: tags.joined(separator: "; "),
                    error: error.map { (code: $0.code, message: $0.message) },
                    table: result.map { ResultTable(columns: $0.columns, rows: $0.rows, truncated: $0.truncated) }))
            case .forwardCancel(let connection, let processID, let secretKey, let session):
                // A statement held for approval never reached the upstream: the
                // host ends that wait; a running one is cancelled upstream.
                if session != 0 {
                    try? context.host.cancelHeld(session: SessionHandle(rawValue: session), reason: "canceled by the client")
                }
                try context.host.sendOutOfBand(
                    connection: connection,
                    bytes: FrontendMessages.cancelRequest(BackendKey(processID: processID, secretKey: secretKey)))
            case .closeClient, .closeUpstream:
                // Either side ending ends the session; the host flushes first.
                flow = .close
            case .log(let level, let message):
                context.log(level.sdkLevel, message)
            }
        }
        try applyBackpressure()
        return flow
    }

    /// Asks the host for a verdict on a classified statement.
    private func decide(_ statement: String, prepared: Bool, _ analysis: StatementAnalysis) throws {
        var action = analysis.action
        withMachine { $0.foreignKeys.expand(&action) }
        if let refusal = withMachine({ $0.maskingRefusal(of: statement, action: action, analysis: analysis.masking) }) {
            action.attributes.append((key: "refuse", value: refusal))
        }
        if prepared { action.attributes.append((key: "prepared", value: "1")) }
        try context.decide(action)
    }

    /// Analyses a long statement on a thread of its own, so that the event
    /// loop goes on serving other sessions; the session comes back with
    /// `.woken`. False when that cannot be done (a host before ABI 1.4, no
    /// thread to be had): the caller analyses it here.
    private func analyzeElsewhere(_ statement: String, prepared: Bool) -> Bool {
        guard let waker = try? context.makeWaker() else { return false }
        let pending = PendingAnalysis(text: statement, prepared: prepared, request: waker.request)
        let shapes = classifications.shapes, flow = withMachine { $0.maskedDataFlow }
        let started = DeepStack.detach {
            pending.finish(StatementAnalysis.make(statement, shapes: shapes, flow: flow))
            // The session may have ended meanwhile; then nobody waits.
            try? waker.wake()
        }
        guard started else { return false }
        pendingAnalysis = pending
        return true
    }

    private func withMachine<R>(_ body: (inout PostgresSessionMachine) -> R) -> R {
        body(&machine)
    }

    /// Stops reading the client while the machine holds its input (a token,
    /// the upstream or a verdict is pending), so nothing piles up in memory.
    private func applyBackpressure() throws {
        // Asked through `modify`: reading the stored machine through a getter
        // would copy all of it, after every event.
        let blocked = withMachine { $0.isClientInputBlocked }
        if blocked && !clientPaused {
            try context.pause(.client)
        } else if !blocked && clientPaused {
            try context.resume(.client)
        }
        clientPaused = blocked
    }
}

/// Masks through the host, which applies the connection's rules with its masker plugins.
struct HostFieldMasker: FieldMasker {
    let context: SessionContext

    func mask(_ fields: [MaskField]) -> [Int: String]? {
        try? context.mask(fields.map { Field(name: $0.name, source: $0.source, typeName: $0.typeName, value: $0.value) })
    }
}

extension UpstreamCredentials {
    /// Reads the values the host sends with an opened upstream.
    init(_ values: [String: String]) {
        let mode: UpstreamTLSMode = switch values["tls"] {
        case "disable": .disable
        case "require": .require
        case "verify-full": .verifyFull
        default: .prefer
        }
        self.init(user: values["user"] ?? "", password: values["password"], database: values["database"] ?? "", tlsMode: mode,
                  masking: values["masking"] == "on",
                  maskColumns: (values["mask_columns"] ?? "").split(separator: ",").map(String.init),
                  maxStatementBytes: values["max_statement_bytes"].flatMap(Int.init)
                      ?? PostgresSessionLimits.defaultMaxStatementBytes,
                  resolveForeignKeys: values["foreign_keys"] == "on",
                  maskingStrict: values["masking_strict"] == "on")
    }
}

extension LogLevel {
    var sdkLevel: WardenPluginSDK.LogLevel {
        switch self {
        case .debug: .debug
        case .info: .info
        case .warning: .warning
        case .error: .error
        }
    }
}
