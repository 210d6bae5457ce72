/// How Warden secures its connection to the upstream PostgreSQL (libpq's sslmode names).
enum UpstreamTLSMode: String, Sendable, Equatable, CaseIterable {
    /// Never ask for TLS.
    case disable
    /// Ask for TLS; continue in cleartext if the server declines.
    case prefer
    /// Insist on TLS; the host decides how strictly to check the certificate.
    case require
    /// Insist on TLS with full certificate and host name verification (done by the host).
    case verifyFull
}

/// The gateway-held credentials the host resolves for one upstream connection.
struct UpstreamCredentials: Sendable, Equatable {
    var user: String
    /// `nil` when the upstream needs none (trust, certificates); a password
    /// request from the upstream then fails the sign-in.
    var password: String?
    var database: String
    var tlsMode: UpstreamTLSMode
    /// The connection has masking rules: results go through the host's maskers.
    var masking = false
    /// Column names that masking rules name, to resolve result sources for.
    var maskColumns: [String] = []
    /// The connection's limit on a statement's text, in bytes.
    var maxStatementBytes = PostgresSessionLimits.defaultMaxStatementBytes
    /// The connection's rules name tables: learn which tables foreign keys
    /// make a write reach (see ``ForeignKeyGraph``).
    var resolveForeignKeys = false
    /// `masking.strict`: statements may not compare, sort, group or join on
    /// masked columns.
    var maskingStrict = false
}

/// Who the host says the client is, after validating its token.
struct AuthenticatedIdentity: Sendable, Equatable {
    var subject: String
    var groups: [String]
}

/// The host's policy answer for one statement.
enum Verdict: Sendable, Equatable {
    /// Run it; its end is reported with this action id.
    case allow(actionID: UInt64 = 0)
    /// The reason is shown to the client in the ErrorResponse.
    case deny(reason: String)
    /// The host could not decide (its audit store is unavailable): refused
    /// with SQLSTATE 58030, which drivers treat as worth retrying.
    case unavailable(reason: String)

    /// The SQLSTATE and message of a refusal; nil for an allow.
    var refusal: (code: String, message: String)? {
        switch self {
        case .allow: nil
        case .deny(let reason): ("42501", reason)
        case .unavailable(let reason): ("58030", reason)
        }
    }
}

/// The first error the upstream reported while running a statement.
struct StatementError: Sendable, Equatable {
    /// The SQLSTATE.
    var code: String
    var message: String
}

/// What the client received from one statement, kept for replay up to the
/// session's capture limit.
struct CapturedTable: Sendable, Equatable {
    var columns: [String]
    /// One array per row, one text value per column; `nil` is NULL.
    var rows: [[String?]]
    /// The client received more than this: rows past the limit, or a later result set.
    var truncated: Bool
}

/// Severity of an operator log line.
enum LogLevel: Sendable, Equatable {
    case debug
    case info
    case warning
    case error
}

/// Size limits that keep a misbehaving peer from exhausting memory.
struct PostgresSessionLimits: Sendable, Equatable {
    /// PostgreSQL's MAX_STARTUP_PACKET_LENGTH.
    var maxStartupPacketLength = 10_000
    /// Before the client is authenticated its messages are small: PostgreSQL
    /// caps auth tokens at 65 535 bytes (PG_MAX_AUTH_TOKEN_LENGTH), which also
    /// leaves room for large OIDC tokens.
    var maxAuthMessageLength = 65_535
    /// Any later message: a Bind's parameters, a row of COPY FROM. Warden
    /// buffers a message whole, so this bounds each session's memory;
    /// PostgreSQL's own limit (PQ_LARGE_MESSAGE_LIMIT) is 1 GiB - 1.
    var maxMessageLength = 64 << 20
    /// What the upstream may send in one message (a large value in a row):
    /// PostgreSQL's own limit.
    var maxUpstreamMessageLength = (1 << 30) - 1
    /// Bytes a client may send ahead while its input is held (a decision or
    /// a statement pending); beyond this the session ends. Well-behaved
    /// clients wait for ReadyForQuery, and the host should pause reading.
    var maxPendingClientBytes = 64 << 20
    /// The host's default for `connections[].max_statement_bytes`.
    static let defaultMaxStatementBytes = 512 << 10

    init() {}
}
