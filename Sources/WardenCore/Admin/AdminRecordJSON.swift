import Foundation

/// A recorded session as the admin API shows it.
public struct AdminSession: Codable, Sendable, Equatable {
    public var id: String
    public var startedAt: Date
    public var endedAt: Date?
    public var listener: String
    public var clientAddress: String
    public var connection: String
    public var clientUser: String
    public var subject: String?
    public var groups: [String]
    /// `open`, `ended` or `refused`.
    public var status: String
    public var reason: String?

    enum CodingKeys: String, CodingKey {
        case id, listener, connection, subject, groups, status, reason
        case startedAt = "started_at"
        case endedAt = "ended_at"
        case clientAddress = "client_address"
        case clientUser = "client_user"
    }

    public init(_ record: SessionRecord) {
        id = record.id
        startedAt = record.startedAt
        endedAt = record.endedAt
        listener = record.listener
        clientAddress = record.clientAddress
        connection = record.connection
        clientUser = record.clientUser
        subject = record.subject
        groups = record.groups
        status = record.status
        reason = record.reason
    }
}

/// A recorded statement as the admin API shows it.
public struct AdminStatement: Codable, Sendable, Equatable {
    public var sequence: Int
    public var startedAt: Date
    public var text: String
    public var verdict: String
    public var reason: String?
    public var durationMilliseconds: Double?
    public var rows: Int?
    public var summary: String?
    public var errorCode: String?
    public var errorMessage: String?
    /// The approval that let it run, if one did.
    public var approval: String?
    /// The rows the client received, as recorded (masked where rules apply).
    public var result: ResultTable?
    /// What the plugin said of the action; nil for records from before the store kept it.
    public var kind: String?
    public var className: String?
    public var risk: String?
    public var targets: [String]?
    public var attributes: [String: String]?

    enum CodingKeys: String, CodingKey {
        case sequence, text, verdict, reason, rows, summary, approval, result, kind, risk, targets, attributes
        case className = "class"
        case startedAt = "started_at"
        case durationMilliseconds = "duration_ms"
        case errorCode = "error_code"
        case errorMessage = "error_message"
    }

    public init(_ record: StatementRecord) {
        sequence = record.sequence
        startedAt = record.startedAt
        text = record.text
        verdict = record.verdict
        reason = record.reason
        durationMilliseconds = record.durationMilliseconds
        rows = record.rows
        summary = record.summary
        errorCode = record.errorCode
        errorMessage = record.errorMessage
        approval = record.approval
        result = record.result
        kind = record.facts?.kind
        className = record.facts?.className
        risk = record.facts?.risk
        targets = record.facts?.targets
        attributes = record.facts?.attributes
    }
}

/// `GET /v1/sessions`: newest first.
public struct AdminSessionList: Codable, Sendable, Equatable {
    public var sessions: [AdminSession]
}

/// `GET /v1/sessions/{id}`.
public struct AdminSessionDetail: Codable, Sendable, Equatable {
    public var session: AdminSession
    public var statements: [AdminStatement]
}

/// `GET /v1/audit/verify`: what ``AuditLog/verify()`` found.
public struct AdminAuditVerification: Codable, Sendable, Equatable {
    public var intact: Bool
    /// How many events were checked, when the trail is intact.
    public var eventsChecked: Int?
    /// The first changed, removed or inserted event, when it is not.
    public var brokenAt: Int64?
    public var reason: String?
    /// When the chain is intact but records and events disagree: what is
    /// missing, and which records differ from their events.
    public var holes: [String]?
    /// Records compared with their events only in part, when the chain is
    /// intact: their events come from an older warden.
    public var recordsCheckedPartly: Int?

    enum CodingKeys: String, CodingKey {
        case intact, reason, holes
        case eventsChecked = "events_checked"
        case brokenAt = "broken_at"
        case recordsCheckedPartly = "records_checked_partly"
    }

    public init(_ verification: AuditVerification) {
        switch verification {
        case .intact(let count, let partly):
            intact = true
            eventsChecked = count
            recordsCheckedPartly = partly
        case .broken(let seq, let reason):
            intact = false
            brokenAt = seq
            self.reason = reason
        case .incomplete(let count, let holes, let partly):
            intact = false
            eventsChecked = count
            recordsCheckedPartly = partly
            reason = "the chain of events is intact, but records and audit events do not match: \(holes[0])"
            self.holes = holes.map(\.description)
        }
    }
}
