import Foundation

/// The gateway's validated, typed configuration.
///
/// Relative paths are resolved against the directory `warden` runs in, as the
/// examples in README.md assume.
public struct WardenConfig: Sendable {
    public var listeners: [ListenerConfig]
    public var pluginPaths: [String]
    public var identity: IdentityConfig
    public var connections: [ConnectionConfig]
    public var store: StoreConfig
    public var admin: AdminConfig?
    /// Bounds on client connections, whatever their protocol.
    public var limits: LimitsConfig
    /// The file this configuration came from.
    public var source: String

    public func connection(named name: String) -> ConnectionConfig? {
        connections.first { $0.name == name }
    }
}

/// A network address `host:port`.
public struct SocketAddressConfig: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    public var isLoopback: Bool { TransportRule.isLoopback(host: host) }
}

public struct ListenerConfig: Sendable {
    public var name: String
    /// The name of the protocol plugin that speaks on this listener.
    public var protocolName: String
    public var address: SocketAddressConfig
    public var tls: TLSFilesConfig?
    /// `listeners[].connection`: every client of this listener uses this
    /// connection, whatever it asks for (a PostgreSQL database name, an
    /// HTTP host); nil to let the client's request choose.
    public var connection: String?
    /// `listeners[].options`: settings for the listener's plugin, passed to
    /// each session as they are written (ABI 1.4).
    public var options: [String: String] = [:]
}

public struct TLSFilesConfig: Sendable {
    public var certificate: String
    public var key: String
}

public struct IdentityConfig: Sendable {
    public var oidc: OIDCConfig?
    public var devIssuerEnabled: Bool
    /// The longest a session may last, however long its token is valid
    /// (`identity.max_session`); a connection may set its own.
    public var maxSession: Duration = IdentityConfig.defaultMaxSession

    public static let defaultMaxSession = Duration.seconds(12 * 3600)
    /// What `max_session` may be set to.
    static let maxSessionRange = Duration.seconds(1) ... Duration.seconds(30 * 86400)
}

public struct OIDCConfig: Sendable {
    public var issuer: URL
    public var audience: String
    public var groupsClaim: String
}

/// How the gateway talks TLS to an upstream.
public enum UpstreamTLSMode: String, Sendable, CaseIterable {
    case disable
    case prefer
    case require
    case verifyFull = "verify-full"
}

public struct ConnectionConfig: Sendable {
    public var name: String
    public var protocolName: String
    public var upstream: UpstreamConfig
    public var allowGroups: [String]
    /// Rules, default and approvals for the actions of this connection's clients.
    public var policy: ConnectionPolicy
    /// Rules that rewrite sensitive values in results before the client sees them.
    public var masking: [MaskingRule]
    /// `masking.strict`: statements that compare, sort, group or join on a
    /// masked column are refused, since their answers reveal its values.
    public var maskingStrict = false
    /// The longest a session of this connection may last, however long its
    /// token is valid (`max_session`, default `identity.max_session`).
    public var maxSession: Duration
    /// The longest statement text a client may send; a longer one is refused
    /// before Warden buffers it, so one session cannot hold the gateway's
    /// memory or its event loop with a huge statement.
    public var maxStatementBytes = ConnectionConfig.defaultMaxStatementBytes

    public static let defaultMaxStatementBytes = 512 << 10

    /// The largest request body an HTTP client may send (`max_body_bytes`);
    /// a larger one is refused with 413 before any of it goes upstream.
    public var maxBodyBytes = ConnectionConfig.defaultMaxBodyBytes

    public static let defaultMaxBodyBytes = 10 << 20
}

public struct UpstreamConfig: Sendable {
    public var host: String
    public var port: Int
    public var database: String?
    /// The gateway-held role; required for PostgreSQL connections, so that
    /// the client's startup user never chooses it.
    public var user: String?
    /// Where the password comes from; read when the gateway starts.
    public var password: SecretSource?
    public var tls: UpstreamTLSMode
    /// A CA bundle for `verify-full`; the system's trust roots when absent.
    public var caFile: String?
    /// `upstream.url` for HTTP and Kubernetes: scheme, host, port and a base
    /// path; `host` and `port` are taken from it.
    public var url: URL? = nil
    /// Gateway-held credentials other than a database password.
    public var credentials = UpstreamCredentialsConfig()
}

/// `upstream.credentials`: what the gateway presents upstream in its own
/// name. Secret values come from an environment variable or a file, never
/// from the configuration itself.
public struct UpstreamCredentialsConfig: Sendable {
    /// Sent as `Authorization: Bearer …`.
    public var bearerToken: SecretSource?
    /// Sent as `Authorization: Basic …`.
    public var basic: (user: String, password: SecretSource)?
    /// Sent as they are, in this order.
    public var headers: [(name: String, value: SecretSource)] = []
    /// PEM files for TLS client authentication upstream.
    public var clientCertificate: (certificate: String, key: String)?

    public init() {}
}

/// A secret held by the gateway, never written in the configuration itself.
public enum SecretSource: Sendable {
    case environment(String)
    case file(String)
}

public struct StoreConfig: Sendable {
    public var sqlitePath: String
    /// How many bytes of each statement's result are recorded for replay
    /// (`warden replay`); 0 records none.
    public var resultCaptureBytes: Int = StoreConfig.defaultResultCaptureBytes
    /// How long a write waits for another writer's lock before it fails and
    /// is retried (`store.busy_timeout`).
    public var busyTimeout: Duration = StoreConfig.defaultBusyTimeout
    /// How long a new statement waits while the recorder cannot take it (the
    /// store fails, or is far behind) before it is refused
    /// (`store.unavailable_timeout`).
    public var unavailableTimeout: Duration = StoreConfig.defaultUnavailableTimeout

    public static let defaultResultCaptureBytes = 65_536
    public static let defaultBusyTimeout = Duration.seconds(5)
    public static let defaultUnavailableTimeout = Duration.seconds(10)
}

/// Bounds on client connections, so that connections that never sign in
/// cannot exhaust the gateway's file descriptors (`limits:`).
public struct LimitsConfig: Sendable, Equatable {
    /// A client connection that has not signed in by then (TLS handshake
    /// included) is closed: `limits.sign_in_timeout`.
    public var signInTimeout: Duration = LimitsConfig.defaultSignInTimeout
    /// Client connections open at once, across all listeners, signed in or
    /// not; more are refused at once: `limits.max_connections`.
    public var maxConnections: Int = LimitsConfig.defaultMaxConnections
    /// Connections from one client address that may be signing in at once;
    /// more are refused at once: `limits.max_signing_in_per_address`.
    public var maxSigningInPerAddress: Int = LimitsConfig.defaultMaxSigningInPerAddress

    public static let defaultSignInTimeout = Duration.seconds(10)
    public static let maximumSignInTimeout = Duration.seconds(3600)
    public static let defaultMaxConnections = 1000
    public static let maximumMaxConnections = 1_000_000
    public static let defaultMaxSigningInPerAddress = 100

    public init(signInTimeout: Duration = LimitsConfig.defaultSignInTimeout,
                maxConnections: Int = LimitsConfig.defaultMaxConnections,
                maxSigningInPerAddress: Int = LimitsConfig.defaultMaxSigningInPerAddress) {
        self.signInTimeout = signInTimeout
        self.maxConnections = maxConnections
        self.maxSigningInPerAddress = maxSigningInPerAddress
    }
}

public struct AdminConfig: Sendable {
    public var address: SocketAddressConfig
    /// Groups that may read sessions, replays and the audit trail. Approvals
    /// are for each connection's approvers.
    public var groups: [String]
}
