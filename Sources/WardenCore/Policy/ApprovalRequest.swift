import Foundation

/// An action held until a human decides on it.
public struct ApprovalRequest: Sendable, Equatable, Codable {
    /// Short and random, so it can be typed: `warden approvals approve ID`.
    public var id: String
    public var connection: String
    public var sessionID: String
    /// The subject of the client that asked; it may not approve itself.
    public var requester: String
    public var text: String
    public var className: String
    public var risk: String
    public var targets: [String]
    /// Why the policy asks for approval: the matching rule's reason.
    public var reason: String
    /// Groups whose members may decide.
    public var approvers: [String]
    public var requestedAt: Date
    public var expiresAt: Date
    /// The longest grant (`approve --for`) an approver may give, from the
    /// connection's `approvals.max_grant`; nil from a server that predates it.
    public var maxGrantSeconds: Int64?
    /// The kind of action (`sql`, `http`, `kubernetes`); nil from a server
    /// that predates it.
    public var kind: String?
    /// What the plugin said of the action in its protocol's terms (`command`;
    /// `method`, `path`; `verb`, `namespace`), for the approver to read.
    public var attributes: [String: String]?

    /// The admin API and the approval webhook send these keys, so one parser reads both.
    enum CodingKeys: String, CodingKey {
        case id, connection, requester, text, risk, targets, reason, approvers
        case sessionID = "session_id"
        case className = "class_name"
        case requestedAt = "requested_at"
        case expiresAt = "expires_at"
        case maxGrantSeconds = "max_grant_seconds"
        case kind, attributes
    }

    public init(id: String, connection: String, sessionID: String, requester: String, text: String,
                className: String, risk: String, targets: [String], reason: String, approvers: [String],
                requestedAt: Date, expiresAt: Date, maxGrantSeconds: Int64? = nil, kind: String? = nil,
                attributes: [String: String]? = nil) {
        self.id = id
        self.connection = connection
        self.sessionID = sessionID
        self.requester = requester
        self.text = text
        self.className = className
        self.risk = risk
        self.targets = targets
        self.reason = reason
        self.approvers = approvers
        self.requestedAt = requestedAt
        self.expiresAt = expiresAt
        self.maxGrantSeconds = maxGrantSeconds
        self.kind = kind
        self.attributes = attributes
    }

    /// Whether a member of `groups` may decide on this request.
    public func mayBeDecided(byGroups groups: [String]) -> Bool {
        !Set(groups).isDisjoint(with: approvers)
    }
}

/// How a held action ended.
public enum ApprovalOutcome: Sendable, Equatable {
    /// Approved; with `grantFor`, the requester may run the same kind of
    /// action on that connection for that long without asking again.
    case approved(by: String, grantFor: Duration?)
    case denied(by: String, reason: String?)
    case expired
    /// The session that asked ended before anyone decided.
    case withdrawn

    /// The word audit events and the API use.
    public var name: String {
        switch self {
        case .approved: "approved"
        case .denied: "denied"
        case .expired: "expired"
        case .withdrawn: "withdrawn"
        }
    }
}

/// Why a decision on an approval was refused.
public enum ApprovalError: Error, Sendable, Equatable, CustomStringConvertible {
    case notFound(String)
    case notAnApprover(String)
    case selfApproval(String)
    /// A grant longer than the connection's `approvals.max_grant`.
    case grantTooLong(id: String, connection: String, maximumSeconds: Int64)

    public var description: String {
        switch self {
        case .notFound(let id):
            "no pending approval '\(id)': it was decided, timed out, or its session ended"
        case .notAnApprover(let id):
            "you are not in a group that may decide on approval '\(id)'"
        case .selfApproval(let id):
            "approval '\(id)' is your own request: someone else must decide on it"
        case .grantTooLong(let id, let connection, let maximum):
            "for: at most \(DurationText.format(.seconds(maximum))) on connection '\(connection)' (its approvals.max_grant); approval '\(id)' is still pending"
        }
    }
}

/// Something that happened to an approval, for the audit trail, logs and the webhook.
public enum ApprovalEvent: Sendable {
    case requested(ApprovalRequest)
    case decided(ApprovalRequest, ApprovalOutcome)
}
