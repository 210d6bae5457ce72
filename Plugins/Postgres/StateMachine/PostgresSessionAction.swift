/// What the host must do on behalf of a ``PostgresSessionMachine``.
///
/// Actions are returned in order and must be performed in order: bytes
/// emitted before a `close…` or `start…TLS` must be flushed first.
enum PostgresSessionAction: Sendable, Equatable {
    /// Write these bytes to the client. Messages produced together arrive as one array.
    case sendToClient([UInt8])
    /// Write these bytes to the upstream.
    case sendToUpstream([UInt8])
    /// Upgrade the client side to TLS after flushing the "S" already emitted;
    /// report completion with `clientTLSEstablished()`.
    case startClientTLS
    /// Upgrade the upstream side to TLS; report `upstreamTLSEstablished()` or
    /// `upstreamTLSFailed(reason:)`.
    case startUpstreamTLS
    /// Validate the client's token; `connection` is the database name the
    /// client asked for. Report `authenticated(_:)` or `authenticationFailed(reason:)`.
    case authenticate(token: String, connection: String, user: String)
    /// Resolve credentials and connect to the upstream of `connection`;
    /// report `upstreamOpened(_:)` or `upstreamFailed(reason:)`.
    case openUpstream(connection: String)
    /// Ask for a policy verdict on one simple-Query text; report `decided(_:)`.
    /// Client input is held until then (the host may also pause reading).
    ///
    /// `prepared` marks an execution of a statement already allowed when it
    /// was prepared: the host records it and does not ask a human again.
    case decide(statement: String, prepared: Bool = false)
    /// An allowed statement ended (the upstream sent ReadyForQuery). `result`
    /// is what the client received, when capture is on and a table came back.
    case statementFinished(rows: Int, commandTags: [String], error: StatementError?, result: CapturedTable?,
                           actionID: UInt64 = 0)
    /// Send a CancelRequest with this upstream key to the upstream of
    /// `connection` on a new connection, and end any wait for approval in the
    /// host's `session` (0: unknown). The client's connection is closed by
    /// the `closeClient` that follows.
    case forwardCancel(connection: String, upstreamProcessID: Int32, upstreamSecretKey: Int32, session: UInt64 = 0)
    /// Close the client connection (after flushing what was emitted before).
    case closeClient
    /// Close the upstream connection (after flushing what was emitted before).
    case closeUpstream
    /// An operator log line. Never contains passwords or tokens.
    case log(level: LogLevel, message: String)
}
