import Foundation
import SQLiteNIO

/// Compares the session and statement records with the audit trail, in the
/// same file: every session has its connection event, every statement its
/// verdict event, every event's session and statement exist, and each
/// session's statements are numbered without gaps. Whether each record
/// still says what its event says is ``AuditContentCheck``'s part.
///
/// Set queries (`EXCEPT`, primary-key lookups), so a long trail is checked
/// without an index on the events' session and without holding it in memory.
enum AuditRecordCheck {
    static let connectionKinds = "'\(AuditKind.connectionAccepted)', '\(AuditKind.connectionRefused)'"
    static let statementKinds = "'\(AuditKind.statementAllowed)', '\(AuditKind.statementDenied)'"

    /// The holes found, at most `limit`; nil when the file holds no records
    /// (a trail kept on its own).
    static func holes(on connection: SQLiteConnection, limit: Int) async throws -> [AuditHole]? {
        let tables = try await connection.query(
            "SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name IN ('sessions', 'statements')", [])
        guard tables.first?.column("n")?.integer == 2 else { return nil }
        var holes: [AuditHole] = []
        for check in [sessionsWithoutEvent, statementsWithoutEvent, eventsWithoutSession, eventsWithoutStatement, missingStatements] {
            guard holes.count < limit else { break }
            holes += try await check(connection, limit - holes.count)
        }
        return holes
    }

    private static func sessionsWithoutEvent(_ connection: SQLiteConnection, _ limit: Int) async throws -> [AuditHole] {
        try await connection.query("""
            SELECT id, subject, status, started_at FROM sessions WHERE id IN (
                SELECT id FROM sessions
                EXCEPT SELECT session_id FROM audit_events WHERE kind IN (\(connectionKinds)))
            ORDER BY started_at LIMIT ?
            """, [.integer(limit)]
        ).map { row in
            let id = row.column("id")?.string ?? ""
            let started = row.date("started_at").map { AuditExport.timestamp(milliseconds: AuditEvent.milliseconds($0)) } ?? "?"
            return AuditHole(kind: .sessionWithoutEvent, sessionID: id, description: """
                session \(id) (\(row.column("subject")?.string ?? "unknown subject"), \(row.column("status")?.string ?? "?"), \
                started \(started)) has no \(AuditKind.connectionAccepted) or \(AuditKind.connectionRefused) event
                """)
        }
    }

    private static func statementsWithoutEvent(_ connection: SQLiteConnection, _ limit: Int) async throws -> [AuditHole] {
        try await connection.query("""
            SELECT session_id, sequence FROM (
                SELECT session_id, sequence FROM statements
                EXCEPT
                SELECT session_id, CAST(json_extract(detail, '$.sequence') AS INTEGER) FROM audit_events
                WHERE kind IN (\(statementKinds)) AND json_valid(detail))
            ORDER BY session_id, sequence LIMIT ?
            """, [.integer(limit)]
        ).map { row in
            let id = row.column("session_id")?.string ?? ""
            let sequence = Int(row.column("sequence")?.integer ?? 0)
            return AuditHole(kind: .statementWithoutEvent, sessionID: id, sequence: sequence, description: """
                statement #\(sequence) of session \(id) has no \(AuditKind.statementAllowed) or \(AuditKind.statementDenied) event
                """)
        }
    }

    private static func eventsWithoutSession(_ connection: SQLiteConnection, _ limit: Int) async throws -> [AuditHole] {
        // With min(), SQLite takes `kind` from the row holding the minimum.
        try await connection.query("""
            SELECT session_id, kind, min(seq) AS seq, count(*) AS n FROM audit_events e
            WHERE session_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM sessions s WHERE s.id = e.session_id)
            GROUP BY session_id ORDER BY seq LIMIT ?
            """, [.integer(limit)]
        ).map { row in
            let id = row.column("session_id")?.string ?? ""
            let seq = Int64(row.column("seq")?.integer ?? 0)
            let count = row.column("n")?.integer ?? 0
            let others = count > 1 ? " (and \(count - 1) later event\(count == 2 ? "" : "s"))" : ""
            return AuditHole(kind: .eventWithoutSession, sessionID: id, eventSeq: seq, description: """
                event #\(seq) (\(row.column("kind")?.string ?? "?"))\(others) names session \(id), which has no record
                """)
        }
    }

    private static func eventsWithoutStatement(_ connection: SQLiteConnection, _ limit: Int) async throws -> [AuditHole] {
        // Events of sessions that have no record at all are reported above.
        try await connection.query("""
            SELECT seq, kind, session_id, sequence FROM (
                SELECT seq, kind, session_id,
                    CASE WHEN json_valid(detail) THEN CAST(json_extract(detail, '$.sequence') AS INTEGER) END AS sequence
                FROM audit_events WHERE kind IN (\(statementKinds))) e
            WHERE EXISTS (SELECT 1 FROM sessions s WHERE s.id = e.session_id)
              AND NOT EXISTS (SELECT 1 FROM statements t WHERE t.session_id = e.session_id AND t.sequence = e.sequence)
            ORDER BY seq LIMIT ?
            """, [.integer(limit)]
        ).map { row in
            let id = row.column("session_id")?.string ?? ""
            let seq = Int64(row.column("seq")?.integer ?? 0)
            let sequence = row.column("sequence")?.integer.map { Int($0) }
            let statement = sequence.map { "statement #\($0)" } ?? "a statement without a number"
            return AuditHole(kind: .eventWithoutStatement, sessionID: id, sequence: sequence, eventSeq: seq, description: """
                event #\(seq) (\(row.column("kind")?.string ?? "?")) names \(statement) of session \(id), which has no record
                """)
        }
    }

    /// Statements are numbered from 1 in each session, and every number gets
    /// a record (allowed or refused): a gap is a statement whose record and
    /// event are both gone.
    private static func missingStatements(_ connection: SQLiteConnection, _ limit: Int) async throws -> [AuditHole] {
        try await connection.query("""
            SELECT session_id, previous, sequence FROM (
                SELECT session_id, sequence,
                    coalesce(lag(sequence) OVER (PARTITION BY session_id ORDER BY sequence), 0) AS previous
                FROM statements)
            WHERE sequence > previous + 1 ORDER BY session_id, sequence LIMIT ?
            """, [.integer(limit)]
        ).map { row in
            let id = row.column("session_id")?.string ?? ""
            let previous = Int(row.column("previous")?.integer ?? 0)
            let next = Int(row.column("sequence")?.integer ?? 0)
            let missing = next - previous == 2 ? "statement #\(previous + 1) is" : "statements #\(previous + 1)–#\(next - 1) are"
            let jump = previous == 0 ? "start at #\(next)" : "jump from #\(previous) to #\(next)"
            return AuditHole(kind: .missingStatements, sessionID: id, sequence: previous + 1, description: """
                \(missing) missing from session \(id): its statement records \(jump)
                """)
        }
    }
}
