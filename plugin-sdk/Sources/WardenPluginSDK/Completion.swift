/// The result of an asynchronous host request, delivered to
/// ``ProtocolSession/completed(_:)``.
public enum Completion: Sendable, Equatable {
    /// A TLS upgrade of `side` finished; `error` is set when it failed.
    case tls(RequestID, side: Side, error: String?)
    /// A credential was validated: the identity, or the reason it was refused.
    case authenticated(RequestID, Result<AuthenticatedIdentity, Refusal>)
    /// The upstream transport is open: the gateway-held settings to speak its
    /// authentication (`user`, `password`, `database`, `tls`, …), or why not.
    case upstreamOpened(RequestID, Result<[String: String], Refusal>)
    /// The host's policy decision.
    case decided(RequestID, Decision)
    /// ABI 1.1, only with ``Capabilities/approvalNotices``: the decision
    /// waits for a human. `message` tells the client how to get it approved;
    /// the `.decided` completion for the same request follows.
    case decisionPending(RequestID, approvalID: String, message: String)
    /// ABI 1.4: a ``Waker`` made by ``SessionContext/makeWaker()`` was woken:
    /// work the session handed to a thread of its own is done.
    case woken(RequestID)
    /// ABI 1.5, only with ``Capabilities/upstreamReconnect``: the upstream
    /// connection closed while the client's is open; `reason` is the error
    /// that closed it, nil for an orderly close. The session goes on:
    /// finish what the close ended; ``SessionContext/openUpstream(connection:)``
    /// may open a new one. Return ``Flow/close`` to end the session.
    case upstreamClosed(reason: String?)

    public var requestID: RequestID {
        switch self {
        case .tls(let id, _, _), .authenticated(let id, _), .upstreamOpened(let id, _), .decided(let id, _),
             .decisionPending(let id, _, _), .woken(let id):
            return id
        case .upstreamClosed:
            return 0
        }
    }
}

/// A refusal with a reason that is safe to show the client.
public struct Refusal: Error, Sendable, Equatable, CustomStringConvertible {
    public var status: HostStatus
    public var reason: String

    public init(status: HostStatus, reason: String) {
        self.status = status
        self.reason = reason
    }

    public var description: String { reason }
}

/// Who the client is, as the host established it.
public struct AuthenticatedIdentity: Sendable, Equatable {
    public var subject: String
    public var groups: [String]

    public init(subject: String, groups: [String]) {
        self.subject = subject
        self.groups = groups
    }
}

/// The host's verdict on an ``Action``.
public enum Decision: Sendable, Equatable {
    /// Run it; report its end with this action id.
    case allow(actionID: UInt64, approvalID: String?)
    /// Do not run it; show the client this reason.
    case deny(reason: String)
    /// ABI 1.3: do not run it. The host could not decide because something
    /// it needs is unavailable (the audit store cannot record the action);
    /// the client may retry later. Answer with the protocol's "try again"
    /// error where it has one (PostgreSQL: SQLSTATE 58030), showing `reason`.
    case unavailable(reason: String)
}

/// ABI 1.3: why the host ends a session on its own; see
/// ``ProtocolSession/ending(_:)``.
public struct SessionEnding: Sendable, Equatable {
    /// A reason code. New reasons may come with later hosts: treat one you do
    /// not know like ``other``.
    public struct Reason: RawRepresentable, Sendable, Hashable {
        public var rawValue: UInt32
        public init(rawValue: UInt32) { self.rawValue = rawValue }

        /// Any other reason; the message says which.
        public static let other = Reason(rawValue: 0)
        /// The client's sign-in token expired: it must sign in again.
        public static let tokenExpired = Reason(rawValue: 1)
        /// The session reached its maximum length.
        public static let sessionLimit = Reason(rawValue: 2)
    }

    public var reason: Reason
    /// For the client, such as "the sign-in token expired at 2026-11-25T10:00:00Z".
    public var message: String

    public init(reason: Reason, message: String) {
        self.reason = reason
        self.message = message
    }
}
