import SQLiteNIO

extension AuditEvent {
    /// Reads a row of `audit_events` as it is, without judging it: a tampered
    /// value is kept so that its hash no longer matches.
    init(auditRow row: SQLiteRow) {
        self.init(
            seq: Int64(row.column("seq")?.integer ?? 0),
            atMilliseconds: row.column("at")?.double.map { Int64(($0 * 1000).rounded()) } ?? 0,
            kind: row.column("kind")?.string ?? "",
            actor: row.column("actor")?.string ?? "",
            sessionID: row.column("session_id")?.string,
            detailJSON: row.column("detail")?.string ?? "",
            prevHash: row.column("prev_hash")?.string ?? "",
            hash: row.column("hash")?.string ?? "")
    }

    /// The values to bind for `INSERT INTO audit_events (seq, at, kind, actor, session_id, detail, prev_hash, hash)`.
    var insertBinds: [SQLiteData] {
        [.integer(SQLiteInt64(seq)), .float(Double(atMilliseconds) / 1000), .text(kind), .text(actor),
         sessionID.map { .text($0) } ?? .null, .text(detailJSON), .text(prevHash), .text(hash)]
    }
}
