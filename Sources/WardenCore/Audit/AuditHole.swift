/// A place where the records and the audit trail disagree: something was
/// recorded without its audit event, an audit event names something that
/// was never recorded or has been removed, or a record no longer says what
/// its event says.
///
/// The hash chain proves that no event was changed, removed or inserted
/// *since the chain was last written*; someone able to rewrite the file can
/// remove an event and re-hash every event after it. The records do not take
/// part in the chain, so such a removal still leaves a session or statement
/// without its event, which ``AuditLog/verify()`` reports as a hole; and a
/// record edited by hand differs from its event (see ``AuditedContent``).
public struct AuditHole: Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        /// A session record without its `connection.accepted` (or `.refused`) event.
        case sessionWithoutEvent = "session_without_event"
        /// A statement record without its `statement.allowed` (or `.denied`) event.
        case statementWithoutEvent = "statement_without_event"
        /// Audit events that name a session with no record.
        case eventWithoutSession = "event_without_session"
        /// A statement event that names a statement with no record.
        case eventWithoutStatement = "event_without_statement"
        /// A session's statements are numbered 1, 2, 3…; some numbers have no record.
        case missingStatements = "missing_statements"
        /// A session or statement record says something other than its event,
        /// in the column ``AuditHole/field`` names.
        case recordDiffers = "record_differs"
    }

    public var kind: Kind
    public var sessionID: String
    /// The statement (or the first of the missing ones), when one is named.
    public var sequence: Int?
    /// The audit event, when one is named.
    public var eventSeq: Int64?
    /// The record's column that differs from its event, for ``Kind/recordDiffers``.
    public var field: String?
    /// What is wrong, naming the session, statement or event.
    public var description: String

    public init(
        kind: Kind, sessionID: String, sequence: Int? = nil, eventSeq: Int64? = nil, field: String? = nil,
        description: String
    ) {
        self.kind = kind
        self.sessionID = sessionID
        self.sequence = sequence
        self.eventSeq = eventSeq
        self.field = field
        self.description = description
    }
}
