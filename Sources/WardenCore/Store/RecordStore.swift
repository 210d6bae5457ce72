import Foundation
import Logging
import SQLiteNIO

/// The SQLite store of sessions and statements, and of the audit trail
/// beside them (see ``AuditLog``).
///
/// The gateway writes through ``Recorder`` (in order, in batches, off the
/// event loops), records and audit events in one transaction; the CLI reads
/// with the query methods.
public actor RecordStore {
    private let connection: SQLiteConnection
    public nonisolated let path: String

    private init(connection: SQLiteConnection, path: String) {
        self.connection = connection
        self.path = path
    }

    /// Opens (creating if needed) the store at `path`, with the audit
    /// trail's tables.
    ///
    /// - Parameter busyTimeout: how long a write waits for another writer's
    ///   lock before it fails (``Recorder`` then retries it).
    public static func open(
        path: String, logger: Logger, busyTimeout: Duration = StoreConfig.defaultBusyTimeout
    ) async throws -> RecordStore {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        let connection = try await SQLiteConnection.open(storage: .file(path: path), logger: logger)
        let store = RecordStore(connection: connection, path: path)
        do {
            try await store.migrate(busyTimeout: busyTimeout)
        } catch {
            try? await connection.close()
            throw error
        }
        return store
    }

    private func migrate(busyTimeout: Duration) async throws {
        for statement in AuditSchema.pragmas(busyTimeout: busyTimeout) + Self.schema {
            _ = try await connection.query(statement, [])
        }
        // Stores written before a column existed get it added, so that an
        // older store keeps working; its earlier rows read as NULL there.
        let present = Set(try await connection.query("PRAGMA table_info(statements)", [])
            .compactMap { $0.column("name")?.string })
        for (name, type) in Self.addedStatementColumns where !present.contains(name) {
            _ = try await connection.query("ALTER TABLE statements ADD COLUMN \(name) \(type)", [])
        }
        // The audit tables live in the same file: a batch's records and its
        // audit events are written in one transaction. Created here only when
        // missing, so that a reader (the CLI, the admin API) takes no write
        // lock to open the store.
        if try await connection.query(AuditSchema.existing, []).first?.column("n")?.integer != 2 {
            _ = try await connection.query("BEGIN IMMEDIATE", [])
            do {
                for statement in AuditSchema.tables {
                    _ = try await connection.query(statement, [])
                }
                _ = try await connection.query("COMMIT", [])
            } catch {
                _ = try? await connection.query("ROLLBACK", [])
                throw error
            }
        }
    }

    /// Columns added to `statements` after its first release, oldest first.
    private static let addedStatementColumns = [
        ("approval", "TEXT"), ("result", "TEXT"),
        // What the plugin said of the action (``ActionFacts``), any protocol's.
        ("kind", "TEXT"), ("class", "TEXT"), ("risk", "TEXT"), ("targets", "TEXT"), ("attributes", "TEXT"),
    ]

    private static let schema = [
        """
        CREATE TABLE IF NOT EXISTS sessions (
            id TEXT PRIMARY KEY, started_at REAL NOT NULL, ended_at REAL,
            listener TEXT NOT NULL, client_address TEXT NOT NULL, connection TEXT NOT NULL,
            client_user TEXT NOT NULL, subject TEXT, groups TEXT NOT NULL,
            status TEXT NOT NULL, reason TEXT)
        """,
        """
        CREATE TABLE IF NOT EXISTS statements (
            session_id TEXT NOT NULL REFERENCES sessions(id), sequence INTEGER NOT NULL,
            started_at REAL NOT NULL, text TEXT NOT NULL, verdict TEXT NOT NULL, reason TEXT,
            duration_ms REAL, rows INTEGER, summary TEXT, error_code TEXT, error_message TEXT,
            approval TEXT, result TEXT, kind TEXT, class TEXT, risk TEXT, targets TEXT, attributes TEXT,
            PRIMARY KEY (session_id, sequence))
        """,
    ]

    public func close() async throws {
        try await connection.close()
    }

    /// Applies events and appends audit entries in one transaction: one
    /// commit for a whole batch, not one per statement, and a few multi-row
    /// statements rather than one per event (see ``RecordBatch``).
    ///
    /// Records and their audit events commit together or not at all, so the
    /// file never holds a session or statement without its audit event, nor
    /// the reverse (``AuditLog/verify()`` checks this). On failure nothing
    /// was written, and the same events may be applied again.
    ///
    /// - Parameter now: the time of audit entries that carry none.
    public func apply(all events: [RecordEvent], audits: [AuditEntry] = [], now: Date = Date()) async throws {
        let batch = RecordBatch(events)
        guard !batch.isEmpty || !audits.isEmpty else { return }
        _ = try await connection.query("BEGIN IMMEDIATE", [])
        do {
            try await write(batch)
            _ = try await AuditLog.chain(audits, on: connection, path: path, now: now)
            _ = try await connection.query("COMMIT", [])
        } catch {
            _ = try? await connection.query("ROLLBACK", [])
            throw error
        }
    }

    /// Applies one event.
    public func apply(_ event: RecordEvent) async throws {
        try await apply(all: [event])
    }

    private func write(_ batch: RecordBatch) async throws {
        try await Self.insertSessions.run(on: connection, rows: batch.sessions.map(\.binds))
        try await Self.insertStatements.run(on: connection, rows: batch.statements.map(\.binds))
        try await Self.finishStatements.run(on: connection, rows: batch.finishes.map(\.binds))
        for end in batch.sessionEnds {
            _ = try await connection.query(
                """
                UPDATE sessions SET ended_at = ?, status = CASE status WHEN 'open' THEN 'ended' ELSE status END,
                    reason = coalesce(?, reason) WHERE id = ?
                """,
                [.float(end.at.timeIntervalSince1970), end.reason.map { .text($0) } ?? .null, .text(end.id)])
        }
    }

    private static let insertSessions = MultiRowStatement(
        """
        INSERT INTO sessions (id, started_at, ended_at, listener, client_address, connection,
            client_user, subject, groups, status, reason) VALUES
        """, columns: 11)

    private static let insertStatements = MultiRowStatement(
        """
        INSERT INTO statements (session_id, sequence, started_at, text, verdict, reason, approval,
            duration_ms, rows, summary, error_code, error_message, result, kind, class, risk, targets, attributes) VALUES
        """, columns: 18)

    /// Fills in the results of statements an earlier batch inserted.
    private static let finishStatements = MultiRowStatement(
        """
        UPDATE statements SET duration_ms = f.column3, rows = f.column4, summary = f.column5,
            error_code = f.column6, error_message = f.column7, result = f.column8
        FROM (VALUES
        """, columns: 8, tail: ") AS f WHERE statements.session_id = f.column1 AND statements.sequence = f.column2")

    /// The most recent sessions, newest first.
    public func sessions(limit: Int) async throws -> [SessionRecord] {
        try await connection.query("SELECT * FROM sessions ORDER BY started_at DESC LIMIT ?", [.integer(limit)])
            .map(SessionRecord.init(row:))
    }

    public func session(id: String) async throws -> SessionRecord? {
        try await connection.query("SELECT * FROM sessions WHERE id = ?", [.text(id)]).first.map(SessionRecord.init(row:))
    }

    public func statements(sessionID: String) async throws -> [StatementRecord] {
        try await connection.query(
            "SELECT * FROM statements WHERE session_id = ? ORDER BY sequence", [.text(sessionID)]
        ).map(StatementRecord.init(row:))
    }
}

extension SessionRecord {
    /// In the column order of ``RecordStore``'s session insert.
    var binds: [SQLiteData] {
        [.text(id), .float(startedAt.timeIntervalSince1970), endedAt.map { .float($0.timeIntervalSince1970) } ?? .null,
         .text(listener), .text(clientAddress), .text(connection), .text(clientUser), subject.map { .text($0) } ?? .null,
         .text(groups.joined(separator: ",")), .text(status), reason.map { .text($0) } ?? .null]
    }

    init(row: SQLiteRow) {
        let groups = row.column("groups")?.string ?? ""
        self.init(
            id: row.column("id")?.string ?? "", startedAt: row.date("started_at") ?? .distantPast,
            endedAt: row.date("ended_at"), listener: row.column("listener")?.string ?? "",
            clientAddress: row.column("client_address")?.string ?? "",
            connection: row.column("connection")?.string ?? "", clientUser: row.column("client_user")?.string ?? "",
            subject: row.column("subject")?.string, groups: groups.isEmpty ? [] : groups.split(separator: ",").map(String.init),
            status: row.column("status")?.string ?? "", reason: row.column("reason")?.string)
    }
}

extension StatementRecord {
    /// In the column order of ``RecordStore``'s statement insert.
    var binds: [SQLiteData] {
        [.text(sessionID), .integer(sequence), .float(startedAt.timeIntervalSince1970), .text(text), .text(verdict),
         reason.map { .text($0) } ?? .null, approval.map { .text($0) } ?? .null,
         durationMilliseconds.map { .float($0) } ?? .null, rows.map { .integer($0) } ?? .null,
         summary.map { .text($0) } ?? .null, errorCode.map { .text($0) } ?? .null,
         errorMessage.map { .text($0) } ?? .null, result.map { .text($0.json) } ?? .null,
         facts.map { .text($0.kind) } ?? .null, facts.map { .text($0.className) } ?? .null,
         facts.map { .text($0.risk) } ?? .null, facts.map { .text($0.targetsJSON) } ?? .null,
         facts.map { .text($0.attributesJSON) } ?? .null]
    }

    init(row: SQLiteRow) {
        self.init(
            sessionID: row.column("session_id")?.string ?? "", sequence: Int(row.column("sequence")?.integer ?? 0),
            startedAt: row.date("started_at") ?? .distantPast, text: row.column("text")?.string ?? "",
            verdict: row.column("verdict")?.string ?? "", reason: row.column("reason")?.string,
            durationMilliseconds: row.column("duration_ms")?.double, rows: row.column("rows")?.integer.map { Int($0) },
            summary: row.column("summary")?.string, errorCode: row.column("error_code")?.string,
            errorMessage: row.column("error_message")?.string, approval: row.column("approval")?.string,
            result: row.column("result")?.string.flatMap(ResultTable.init(json:)),
            facts: ActionFacts(
                kind: row.column("kind")?.string, className: row.column("class")?.string, risk: row.column("risk")?.string,
                targetsJSON: row.column("targets")?.string, attributesJSON: row.column("attributes")?.string))
    }
}

extension StatementFinish {
    /// In the column order of ``RecordStore``'s statement update.
    var binds: [SQLiteData] {
        [.text(sessionID), .integer(sequence), .float(durationMilliseconds), .integer(rows), .text(summary),
         errorCode.map { .text($0) } ?? .null, errorMessage.map { .text($0) } ?? .null,
         result.map { .text($0.json) } ?? .null]
    }
}

extension SQLiteRow {
    func date(_ name: String) -> Date? {
        column(name)?.double.map { Date(timeIntervalSince1970: $0) }
    }
}
