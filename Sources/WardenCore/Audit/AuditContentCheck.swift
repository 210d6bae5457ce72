import Foundation
import SQLiteNIO

/// Compares each session and statement record with the audit event that
/// vouches for it (see ``AuditedContent``): a record edited by hand, its
/// text or verdict changed without touching the trail, is reported.
///
/// One pass over the statement events and one over the session events, a
/// page at a time in the trail's order, each record looked up by its primary
/// key: a long trail is checked without an index on the events' session and
/// without holding it in memory. Records without an event, and events
/// without a record, are ``AuditRecordCheck``'s holes and are skipped here.
enum AuditContentCheck {
    struct Outcome: Equatable {
        /// One per record and differing column, at most the limit given.
        var differences: [AuditHole] = []
        /// Records whose events were written before they carried all of the
        /// record, and so were compared only on what they carry.
        var partlyChecked = 0
    }

    /// Every record compared; at most `limit` differences listed.
    static func run(on connection: SQLiteConnection, limit: Int) async throws -> Outcome {
        var outcome = Outcome()
        try await compareStatements(on: connection, limit: limit, into: &outcome)
        try await compareSessions(on: connection, limit: limit, into: &outcome)
        return outcome
    }

    private static let pageSize = 1000

    private static func compareStatements(on connection: SQLiteConnection, limit: Int, into outcome: inout Outcome) async throws {
        var after: Int64 = 0
        while true {
            let page = try await connection.query("""
                SELECT e.seq AS event_seq, e.kind AS event_kind, \(detailColumns(AuditedContent.statementKeys)),
                    t.session_id, t.sequence, t.started_at, t.text, t.verdict, t.reason, t.approval,
                    t.kind, t.class, t.risk, t.targets, t.attributes
                FROM audit_events e JOIN statements t ON t.session_id = e.session_id
                    AND t.sequence = CASE WHEN json_valid(e.detail) THEN CAST(json_extract(e.detail, '$.sequence') AS INTEGER) END
                WHERE e.seq > ? AND e.kind IN (\(AuditRecordCheck.statementKinds))
                ORDER BY e.seq LIMIT \(pageSize)
                """, [.integer(SQLiteInt64(after))])
            for row in page {
                let event = EventColumns(row, keys: AuditedContent.statementKeys)
                let record = StatementRecord(row: row)
                let comparison = AuditedContent.compare(record, kind: event.kind, detail: event.detail)
                outcome.add(comparison, limit: limit) { field in
                    let says = field == "verdict" ? ": the record says \(record.verdict)" : ""
                    return AuditHole(
                        kind: .recordDiffers, sessionID: record.sessionID, sequence: record.sequence, eventSeq: event.seq,
                        field: field, description: """
                            statement #\(record.sequence) of session \(record.sessionID) differs from its event \
                            #\(event.seq) (\(event.kind)) in \(field)\(says)
                            """)
                }
            }
            guard page.count == pageSize, let last = page.last else { return }
            after = Int64(last.column("event_seq")?.integer ?? 0)
        }
    }

    /// In the trail's order, so that an accepted session's reason, which its
    /// `session.ended` event gives later, is matched without a second look.
    private static func compareSessions(on connection: SQLiteConnection, limit: Int, into outcome: inout Outcome) async throws {
        // Accepted sessions whose record gives a reason, until their session.ended event.
        var awaitingEnd: [String: EventColumns] = [:]
        var after: Int64 = 0
        while true {
            let page = try await connection.query("""
                SELECT e.seq AS event_seq, e.kind AS event_kind, e.actor AS event_actor,
                    \(detailColumns(AuditedContent.sessionKeys)), s.*
                FROM audit_events e JOIN sessions s ON s.id = e.session_id
                WHERE e.seq > ? AND e.kind IN (\(AuditRecordCheck.connectionKinds), '\(AuditKind.sessionEnded)')
                ORDER BY e.seq LIMIT \(pageSize)
                """, [.integer(SQLiteInt64(after))])
            for row in page {
                let event = EventColumns(row, keys: AuditedContent.sessionKeys)
                let record = SessionRecord(row: row)
                if event.kind == AuditKind.sessionEnded {
                    awaitingEnd[record.id] = nil
                    outcome.add(AuditedContent.compareEnd(record, detail: event.detail), limit: limit) { field in
                        sessionHole(record, event, field: field)
                    }
                    continue
                }
                let comparison = AuditedContent.compare(record, kind: event.kind, actor: event.actor, detail: event.detail)
                if event.kind == AuditKind.connectionAccepted, record.reason != nil {
                    awaitingEnd[record.id] = event
                }
                outcome.add(comparison, limit: limit) { field in
                    sessionHole(record, event, field: field, says: field == "status" ? ": the record says \(record.status)" : "")
                }
            }
            guard page.count == pageSize, let last = page.last else { break }
            after = Int64(last.column("event_seq")?.integer ?? 0)
        }
        for (id, event) in awaitingEnd.sorted(by: { $0.value.seq < $1.value.seq }) where outcome.differences.count < limit {
            outcome.differences.append(AuditHole(
                kind: .recordDiffers, sessionID: id, eventSeq: event.seq, field: "reason", description: """
                    session \(id) differs from its event #\(event.seq) (\(event.kind)) in reason: the record gives one, \
                    and no \(AuditKind.sessionEnded) event does
                    """))
        }
    }

    /// The event detail's values under `keys`, one column each: SQLite reads
    /// them, rather than each event's JSON being decoded here.
    private static func detailColumns(_ keys: [String]) -> String {
        keys.map { key in
            "CASE WHEN json_valid(e.detail) THEN json_extract(e.detail, '$.\(key)') END AS \"detail.\(key)\""
        }.joined(separator: ", ")
    }

    private static func sessionHole(_ record: SessionRecord, _ event: EventColumns, field: String, says: String = "") -> AuditHole {
        AuditHole(
            kind: .recordDiffers, sessionID: record.id, eventSeq: event.seq, field: field,
            description: "session \(record.id) differs from its event #\(event.seq) (\(event.kind)) in \(field)\(says)")
    }
}

/// The event's columns of a row that joins an event with its record.
private struct EventColumns {
    var seq: Int64
    var kind: String
    var actor: String
    /// The detail's string values under the keys asked for; none when the
    /// stored detail is not JSON.
    var detail: [String: String] = [:]

    init(_ row: SQLiteRow, keys: [String]) {
        seq = Int64(row.column("event_seq")?.integer ?? 0)
        kind = row.column("event_kind")?.string ?? ""
        actor = row.column("event_actor")?.string ?? ""
        for key in keys {
            detail[key] = row.column("detail.\(key)")?.string
        }
    }
}

extension AuditContentCheck.Outcome {
    /// Counts a comparison, and lists its differences while there is room.
    mutating func add(_ comparison: AuditedContent.Comparison, limit: Int, hole: (String) -> AuditHole) {
        if !comparison.complete { partlyChecked += 1 }
        for field in comparison.differing where differences.count < limit {
            differences.append(hole(field))
        }
    }
}
