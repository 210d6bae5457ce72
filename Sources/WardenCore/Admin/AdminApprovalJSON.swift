import Foundation

/// A pending approval as the admin API shows it. The keys are the ones the
/// approval webhook sends, so one parser reads both.
public struct AdminApproval: Codable, Sendable, Equatable {
    public var id: String
    public var connection: String
    public var sessionID: String
    public var requester: String
    public var text: String
    public var className: String
    public var risk: String
    public var targets: [String]
    public var reason: String
    public var approvers: [String]
    public var requestedAt: Date
    public var expiresAt: Date

    enum CodingKeys: String, CodingKey {
        case id, connection, requester, text, risk, targets, reason, approvers
        case sessionID = "session_id"
        case className = "class_name"
        case requestedAt = "requested_at"
        case expiresAt = "expires_at"
    }

    public init(_ request: ApprovalRequest) {
        id = request.id
        connection = request.connection
        sessionID = request.sessionID
        requester = request.requester
        text = request.text
        className = request.className
        risk = request.risk
        targets = request.targets
        reason = request.reason
        approvers = request.approvers
        requestedAt = request.requestedAt
        expiresAt = request.expiresAt
    }
}

/// `GET /v1/approvals`: oldest first.
public struct AdminApprovalList: Codable, Sendable, Equatable {
    public var approvals: [AdminApproval]

    public init(approvals: [AdminApproval]) {
        self.approvals = approvals
    }
}

/// The body of `POST /v1/approvals/{id}/approve` (`for`) and `/deny`
/// (`reason`). Both are optional, and so is the body itself.
public struct AdminDecisionBody: Codable, Sendable, Equatable {
    /// How long the requester may repeat the same kind of action without
    /// asking again: `15m`, `1h` (see ``DurationText``).
    public var grantFor: String?
    /// Why it was denied; shown to the requester.
    public var reason: String?

    enum CodingKeys: String, CodingKey {
        case grantFor = "for"
        case reason
    }

    public init(grantFor: String? = nil, reason: String? = nil) {
        self.grantFor = grantFor
        self.reason = reason
    }
}

/// The answer to a decision: the approval as it was, and how it ended.
public struct AdminDecisionResult: Codable, Sendable, Equatable {
    public var approval: AdminApproval
    /// `approved` or `denied`.
    public var outcome: String
    public var decidedBy: String
    public var grantForSeconds: Int64?
    public var reason: String?

    enum CodingKeys: String, CodingKey {
        case approval, outcome, reason
        case decidedBy = "decided_by"
        case grantForSeconds = "grant_for_seconds"
    }

    public init(approval: AdminApproval, outcome: String, decidedBy: String, grantForSeconds: Int64? = nil,
                reason: String? = nil) {
        self.approval = approval
        self.outcome = outcome
        self.decidedBy = decidedBy
        self.grantForSeconds = grantForSeconds
        self.reason = reason
    }
}
