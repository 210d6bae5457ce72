/// The audit tables, kept in the same SQLite file as the record store.
enum AuditSchema {
    /// Connection settings, run on every open (outside any transaction).
    ///
    /// - Parameter busyTimeout: how long a write waits for another writer's
    ///   lock (a second gateway, the CLI, a backup) before it fails. The
    ///   recorder retries a failed write, so this bounds how long the
    ///   gateway takes to notice that the store is unavailable, not whether
    ///   anything is lost.
    static func pragmas(busyTimeout: Duration) -> [String] {
        let milliseconds = busyTimeout.components.seconds * 1000 + busyTimeout.components.attoseconds / 1_000_000_000_000_000
        return [
            "PRAGMA journal_mode = WAL",
            // In WAL mode NORMAL keeps the file consistent and loses no commit when the
            // process dies; only a power cut can drop the last commits. A commit is
            // then a write, not an fsync: the recorder commits many times a second.
            "PRAGMA synchronous = NORMAL",
            // A multi-row insert journals the pages it changes until it ends:
            // keep that journal in memory rather than in a temporary file.
            "PRAGMA temp_store = MEMORY",
            "PRAGMA busy_timeout = \(max(milliseconds, 0))",
        ]
    }

    /// Tables and guards, created if missing.
    ///
    /// The triggers stop ordinary code (a stray `DELETE`, a retention job)
    /// from editing the trail; they are no defence against someone editing the
    /// file, who can drop them. That is what the hash chain is for.
    static let tables = [
        """
        CREATE TABLE IF NOT EXISTS audit_events (
            seq INTEGER PRIMARY KEY, at REAL NOT NULL, kind TEXT NOT NULL, actor TEXT NOT NULL,
            session_id TEXT, detail TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL)
        """,
        "CREATE INDEX IF NOT EXISTS audit_events_at ON audit_events (at)",
        """
        CREATE TABLE IF NOT EXISTS audit_head (
            id INTEGER PRIMARY KEY CHECK (id = 1), seq INTEGER NOT NULL, hash TEXT NOT NULL)
        """,
        """
        CREATE TRIGGER IF NOT EXISTS audit_events_no_update BEFORE UPDATE ON audit_events
        BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END
        """,
        """
        CREATE TRIGGER IF NOT EXISTS audit_events_no_delete BEFORE DELETE ON audit_events
        BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END
        """,
        // The head starts at seq 0 only for a new, empty trail: recreating it
        // over existing events would hide that it had been removed.
        """
        INSERT INTO audit_head (id, seq, hash)
        SELECT 1, 0, '\(AuditHash.genesis)'
        WHERE NOT EXISTS (SELECT 1 FROM audit_head) AND NOT EXISTS (SELECT 1 FROM audit_events)
        """,
    ]

    /// Whether the audit tables exist, for opening a trail without creating one.
    static let existing = "SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name IN ('audit_events', 'audit_head')"
}
