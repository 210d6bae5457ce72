import Foundation

/// One entry of the audit trail, exactly as stored in `audit_events`.
///
/// Every field except ``hash`` is covered by ``hash`` (see ``AuditHash``), and
/// ``prevHash`` is the hash of the entry before, so changing, removing or
/// inserting an entry breaks the chain that ``AuditLog/verify()`` walks.
public struct AuditEvent: Sendable, Hashable {
    /// Position in the trail: 1, 2, 3… with no gaps.
    public let seq: Int64
    /// When the event happened, in whole milliseconds since 1970 (the precision that is hashed).
    public let atMilliseconds: Int64
    /// What happened, such as `statement.denied` (see ``AuditKind``).
    public let kind: String
    /// Who did it: the subject, or `warden` for the gateway itself.
    public let actor: String
    /// The session the event belongs to, if any.
    public let sessionID: String?
    /// The details as a canonical JSON object (sorted keys, see ``CanonicalJSON``).
    public let detailJSON: String
    /// The previous event's ``hash``; 64 zeros for the first event.
    public let prevHash: String
    /// Lowercase hex SHA-256 of this event's fields and ``prevHash``.
    public let hash: String

    public init(
        seq: Int64, atMilliseconds: Int64, kind: String, actor: String, sessionID: String?,
        detailJSON: String, prevHash: String, hash: String
    ) {
        self.seq = seq
        self.atMilliseconds = atMilliseconds
        self.kind = kind
        self.actor = actor
        self.sessionID = sessionID
        self.detailJSON = detailJSON
        self.prevHash = prevHash
        self.hash = hash
    }

    /// When the event happened.
    public var at: Date {
        Date(timeIntervalSince1970: Double(atMilliseconds) / 1000)
    }

    /// The details as a dictionary, or nil when the stored text is not a JSON object of strings.
    public var detail: [String: String]? {
        try? JSONDecoder().decode([String: String].self, from: Data(detailJSON.utf8))
    }

    /// The hash these fields should carry; differs from ``hash`` when the event was changed.
    public var computedHash: String {
        AuditHash.compute(
            seq: seq, atMilliseconds: atMilliseconds, kind: kind, actor: actor,
            sessionID: sessionID, detailJSON: detailJSON, prevHash: prevHash)
    }
}

extension AuditEvent {
    /// Whole milliseconds since 1970, the precision at which times are stored and hashed.
    static func milliseconds(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded())
    }
}
