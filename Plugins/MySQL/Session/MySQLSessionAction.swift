import WardenPluginSDK

/// What the host must do on behalf of a ``MySQLSessionMachine``, in order:
/// bytes emitted before a `close…` or `start…TLS` are flushed first.
enum MySQLSessionAction: Equatable {
    case sendToClient([UInt8])
    case sendToUpstream([UInt8])
    /// Upgrade the client side to TLS, feeding the handshake the bytes the
    /// client sent after its SSLRequest; report `clientTLSEstablished()`.
    case startClientTLS(received: [UInt8])
    /// Upgrade the upstream side to TLS; report `upstreamTLSEstablished()` or `upstreamTLSFailed(reason:)`.
    case startUpstreamTLS
    /// Validate the client's token for `connection` (the database it named).
    case authenticate(token: String, connection: String, user: String)
    /// Connect to the upstream of `connection` with the gateway-held credentials.
    case openUpstream(connection: String)
    /// Ask the policy for a verdict; report `decided(_:)`. Client input waits meanwhile.
    case decide(Action)
    /// An allowed action ended.
    case finished(ActionResult)
    /// The session is signed in upstream as this thread: list it for KILL.
    case register(upstreamThread: UInt32)
    /// End the wait for approval of a statement held in another session (its KILL QUERY).
    case cancelHeld(SessionHandle)
    case closeClient
    case log(LogLevel, String)
}

/// The host's policy answer for one action.
enum MySQLVerdict: Equatable {
    case allow(actionID: UInt64)
    case deny(reason: String)
    /// The host could not decide (its audit store is unavailable).
    case unavailable(reason: String)
}

/// The gateway-held credentials and connection settings the host sends with an opened upstream.
struct MySQLUpstreamSettings: Equatable, Sendable {
    enum TLSMode: String, Sendable { case disable, prefer, require, verifyFull = "verify-full" }

    var user: String
    var password: String?
    var database: String
    var tls: TLSMode
    var masking: Bool
    /// The column names masking rules name (`mask_columns`).
    var maskColumns: [String] = []
    var maxStatementBytes: Int
    /// `masking.strict`, which this plugin does not enforce (sessions are refused).
    var maskingStrict = false

    static let defaultMaxStatementBytes = 1 << 20

    init(user: String, password: String?, database: String, tls: TLSMode = .prefer, masking: Bool = false,
         maskColumns: [String] = [], maxStatementBytes: Int = defaultMaxStatementBytes) {
        self.user = user
        self.password = password
        self.database = database
        self.tls = tls
        self.masking = masking
        self.maskColumns = maskColumns
        self.maxStatementBytes = maxStatementBytes
    }

    init(_ values: [String: String]) {
        self.init(
            user: values["user"] ?? "", password: values["password"], database: values["database"] ?? "",
            tls: values["tls"].flatMap(TLSMode.init(rawValue:)) ?? .prefer, masking: values["masking"] == "on",
            maxStatementBytes: values["max_statement_bytes"].flatMap(Int.init) ?? Self.defaultMaxStatementBytes)
        maskColumns = (values["mask_columns"] ?? "").split(separator: ",").map(String.init)
        maskingStrict = values["masking_strict"] == "on"
    }
}
