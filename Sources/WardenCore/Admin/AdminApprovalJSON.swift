import Foundation

/// `GET /v1/approvals`: oldest first.
public struct AdminApprovalList: Codable, Sendable, Equatable {
    public var approvals: [ApprovalRequest]

    public init(approvals: [ApprovalRequest]) {
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
    public var approval: ApprovalRequest
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

    public init(approval: ApprovalRequest, outcome: String, decidedBy: String, grantForSeconds: Int64? = nil,
                reason: String? = nil) {
        self.approval = approval
        self.outcome = outcome
        self.decidedBy = decidedBy
        self.grantForSeconds = grantForSeconds
        self.reason = reason
    }
}
