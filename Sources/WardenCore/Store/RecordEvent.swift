import Foundation

/// Something to write to the record. Sessions emit these without waiting;
/// one writer applies them in order.
public enum RecordEvent: Sendable {
    case sessionStarted(SessionRecord)
    /// `reason` says why when the gateway ended it (the token expired).
    case sessionEnded(sessionID: String, at: Date, reason: String? = nil)
    case statementStarted(StatementRecord)
    case statementFinished(sessionID: String, sequence: Int, durationMilliseconds: Double, rows: Int,
                           summary: String, errorCode: String?, errorMessage: String?, result: ResultTable?)
}

/// One client session as recorded.
public struct SessionRecord: Sendable, Equatable {
    public var id: String
    public var startedAt: Date
    public var endedAt: Date?
    public var listener: String
    public var clientAddress: String
    public var connection: String
    public var clientUser: String
    public var subject: String?
    public var groups: [String]
    /// `open`, `ended`, or `refused`.
    public var status: String
    /// Why the session was refused, or why the gateway ended it, when it did.
    public var reason: String?
}

/// One statement (or request) as recorded.
public struct StatementRecord: Sendable, Equatable {
    public var sessionID: String
    public var sequence: Int
    public var startedAt: Date
    public var text: String
    /// `allow` or `deny`.
    public var verdict: String
    public var reason: String?
    public var durationMilliseconds: Double?
    public var rows: Int?
    public var summary: String?
    public var errorCode: String?
    public var errorMessage: String?
    /// Who approved the statement, when a human did.
    public var approval: String?
    /// What the client received, up to the capture limit; `nil` when the
    /// statement returned no table or nothing was captured.
    public var result: ResultTable?
}
