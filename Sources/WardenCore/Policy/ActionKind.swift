import CWardenPlugin

/// The kinds of action rules can describe, whatever plugin reports them,
/// each with the classes its actions fall into. A rule naming a class its
/// connection's kind does not have could never match; it is refused at load.
public enum ActionKind: String, Sendable, CaseIterable {
    /// A SQL statement (PostgreSQL, MySQL).
    case sql
    /// An HTTP request.
    case http
    /// A request to the Kubernetes API.
    case kubernetes

    /// The classes of this kind's actions; `unknown` is every kind's
    /// class for what its plugin could not classify.
    public var classes: [String] {
        switch self {
        case .sql: ["read", "write", "ddl", "dcl", "admin", "transaction", "unknown"]
        case .http: ["read", "write", "delete", "unknown"]
        case .kubernetes: ["read", "write", "delete", "exec", "unknown"]
        }
    }

    /// The kind of a connection's `protocol`; nil for a protocol whose
    /// plugin this host knows nothing of (its rules are not checked).
    public init?(protocol name: String) {
        switch name {
        case "postgres", "mysql": self = .sql
        case "http": self = .http
        case "kubernetes": self = .kubernetes
        default: return nil
        }
    }

    init?(abiKind: UInt32) {
        switch warden_action_kind(rawValue: abiKind) {
        case WARDEN_ACTION_STATEMENT: self = .sql
        case WARDEN_ACTION_HTTP_REQUEST: self = .http
        case WARDEN_ACTION_KUBERNETES: self = .kubernetes
        default: return nil
        }
    }
}
