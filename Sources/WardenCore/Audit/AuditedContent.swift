import Foundation

/// What a session's or a statement's audit event says of its record, so that
/// ``AuditLog/verify()`` tells a record edited by hand from the one the
/// gateway wrote.
///
/// The records are not part of the hash chain; their events are. The
/// gateway writes these fields into the detail of each `connection.*` and
/// `statement.*` event (beside others the record does not keep, such as a
/// statement's class), and verify compares each record with them. A
/// statement's verdict and a session's status are in the event's kind.
///
/// Nothing vouches for what happens after the event: a statement's result
/// and duration, when a session ended (its `session.ended` event, when the
/// gateway ended it, vouches for the reason). Events written by warden
/// before they carried `started_at` are compared on the fields they carry
/// and reported as checked only partly.
enum AuditedContent {
    /// Present in every event that carries the whole of its record.
    static let startedAt = "started_at"

    /// The keys of ``statement(_:)``, at most.
    static let statementKeys = ["sequence", "text", "reason", "approval", startedAt] + factKeys

    /// The keys of a statement's ``ActionFacts``. Events carried `class`,
    /// `risk` and `targets` before records kept them; `kind` tells an event
    /// that vouches for the record's facts.
    static let factKeys = ["kind", "class", "risk", "targets", "attributes"]

    /// The keys of ``session(_:)``, at most; a `session.ended` event's reason is under `reason` too.
    static let sessionKeys = ["listener", "client", "connection", "client_user", "groups", "subject", "reason", startedAt]

    /// A statement's record as its `statement.allowed` or `statement.denied`
    /// event carries it; an absent key stands for a null column.
    static func statement(_ record: StatementRecord) -> [String: String] {
        var detail = [
            "sequence": "\(record.sequence)", "text": record.text,
            startedAt: "\(AuditEvent.milliseconds(record.startedAt))",
        ]
        detail["reason"] = record.reason
        detail["approval"] = record.approval
        if let facts = record.facts {
            detail["kind"] = facts.kind
            detail["class"] = facts.className
            detail["risk"] = facts.risk
            detail["targets"] = facts.targets.joined(separator: ",")
            detail["attributes"] = facts.attributesJSON
        }
        return detail
    }

    /// A session's record as its `connection.accepted` or
    /// `connection.refused` event carries it; an absent key stands for a
    /// null column.
    static func session(_ record: SessionRecord) -> [String: String] {
        var detail = [
            "listener": record.listener, "client": record.clientAddress, "connection": record.connection,
            "client_user": record.clientUser, "groups": record.groups.joined(separator: ","),
            startedAt: "\(AuditEvent.milliseconds(record.startedAt))",
        ]
        detail["subject"] = record.subject
        detail["reason"] = record.reason
        return detail
    }

    /// How a record compares with its event.
    struct Comparison: Equatable {
        /// The record's columns that say something other than the event.
        var differing: [String] = []
        /// Whether the event carries all that it vouches for, or was written
        /// before it did and some columns went unchecked.
        var complete = true
    }

    /// Compares a statement's record with its `statement.allowed` or
    /// `statement.denied` event.
    static func compare(_ record: StatementRecord, kind: String, detail: [String: String]) -> Comparison {
        var fields = Fields(detail)
        let verdict = kind == AuditKind.statementAllowed ? "allow" : "deny"
        if record.verdict != verdict { fields.differing.append("verdict") }
        fields.check("text", record.text)
        fields.check("reason", record.reason)
        fields.check("approval", record.approval)
        fields.check("started_at", key: startedAt, "\(AuditEvent.milliseconds(record.startedAt))")
        // Records from before the store kept the facts have none, and their
        // events no `kind`; either side having them, both must agree.
        if record.facts != nil || detail["kind"] != nil {
            let facts = record.facts
            fields.check("kind", facts?.kind)
            fields.check("class", facts?.className)
            fields.check("risk", facts?.risk)
            fields.check("targets", facts?.targets.joined(separator: ","))
            fields.check("attributes", facts?.attributesJSON)
        }
        return fields.comparison
    }

    /// Compares a session's record with its `connection.accepted` or
    /// `connection.refused` event. An accepted session's reason comes later,
    /// from its `session.ended` event (see ``compareEnd(_:detail:)``).
    static func compare(_ record: SessionRecord, kind: String, actor: String, detail: [String: String]) -> Comparison {
        var fields = Fields(detail)
        let refused = kind == AuditKind.connectionRefused
        if (record.status == "refused") != refused { fields.differing.append("status") }
        fields.check("listener", record.listener)
        fields.check("client_address", key: "client", record.clientAddress)
        fields.check("connection", record.connection)
        fields.check("client_user", record.clientUser)
        fields.check("groups", record.groups.joined(separator: ","))
        fields.check("started_at", key: startedAt, "\(AuditEvent.milliseconds(record.startedAt))")
        if refused { fields.check("reason", record.reason) }
        if fields.complete {
            fields.check("subject", record.subject)
        } else if !subject(record.subject, matches: actor) {
            fields.differing.append("subject")
        }
        return fields.comparison
    }

    /// Older events name the subject only as their actor, `unknown` when
    /// the client never gave one.
    private static func subject(_ subject: String?, matches actor: String) -> Bool {
        actor == unknownActor ? subject == nil || subject == unknownActor : subject == actor
    }

    /// Compares an accepted session's reason with its `session.ended` event.
    /// The gateway records the end (time and reason) after the event: a
    /// record that shows neither yet has nothing to compare.
    static func compareEnd(_ record: SessionRecord, detail: [String: String]) -> Comparison {
        guard record.endedAt != nil || record.reason != nil, record.reason != detail["reason"] else { return Comparison() }
        return Comparison(differing: ["reason"])
    }

    /// The actor of events whose client never named a subject.
    static let unknownActor = "unknown"

    /// Compares columns with an event's detail, one at a time.
    private struct Fields {
        let detail: [String: String]
        let complete: Bool
        var differing: [String] = []

        init(_ detail: [String: String]) {
            self.detail = detail
            complete = detail[AuditedContent.startedAt] != nil
        }

        /// The column `name` holds `value`; the event says it under `key`
        /// (`name` by default). An older event that lacks the key leaves the
        /// column unchecked.
        mutating func check(_ name: String, key: String? = nil, _ value: String?) {
            let vouched = detail[key ?? name]
            guard vouched != nil || complete else { return }
            if vouched != value { differing.append(name) }
        }

        var comparison: Comparison { Comparison(differing: differing, complete: complete) }
    }
}
