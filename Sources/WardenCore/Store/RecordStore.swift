import Foundation
import Logging
import SQLiteNIO

/// The SQLite store of sessions and statements.
///
/// The gateway writes through ``Recorder`` (ordered, never blocking a
/// session); the CLI reads with the query methods.
public actor RecordStore {
    private let connection: SQLiteConnection
    public nonisolated let path: String

    private init(connection: SQLiteConnection, path: String) {
        self.connection = connection
        self.path = path
    }

    /// Opens (creating if needed) the store at `path`.
    public static func open(path: String, logger: Logger) async throws -> RecordStore {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        let connection = try await SQLiteConnection.open(storage: .file(path: path), logger: logger)
        let store = RecordStore(connection: connection, path: path)
        try await store.migrate()
        return store
    }

    private func migrate() async throws {
        for statement in Self.schema {
            _ = try await connection.query(statement, [])
        }
        // Stores written before a column existed get it added, so that an
        // older store keeps working; its earlier rows read as NULL there.
        let present = Set(try await connection.query("PRAGMA table_info(statements)", [])
            .compactMap { $0.column("name")?.string })
        for (name, type) in Self.addedStatementColumns where !present.contains(name) {
            _ = try await connection.query("ALTER TABLE statements ADD COLUMN \(name) \(type)", [])
        }
    }

    /// Columns added to `statements` after its first release, oldest first.
    private static let addedStatementColumns = [("approval", "TEXT"), ("result", "TEXT")]

    private static let schema = [
        "PRAGMA journal_mode = WAL",
        "PRAGMA busy_timeout = 30000",  // another writer (a second gateway, the CLI) may hold the lock while the machine is loaded
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
            approval TEXT, result TEXT,
            PRIMARY KEY (session_id, sequence))
        """,
    ]

    public func close() async throws {
        try await connection.close()
    }

    /// Applies events in one transaction: one commit (and one fsync) for a
    /// whole batch, not one per statement.
    public func apply(all events: [RecordEvent]) async throws {
        guard !events.isEmpty else { return }
        _ = try await connection.query("BEGIN IMMEDIATE", [])
        do {
            for event in events { try await apply(event) }
            _ = try await connection.query("COMMIT", [])
        } catch {
            _ = try? await connection.query("ROLLBACK", [])
            throw error
        }
    }

    /// Applies one event.
    public func apply(_ event: RecordEvent) async throws {
        switch event {
        case .sessionStarted(let session):
            _ = try await connection.query(
                """
                INSERT INTO sessions (id, started_at, ended_at, listener, client_address, connection,
                    client_user, subject, groups, status, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                [.text(session.id), .float(session.startedAt.timeIntervalSince1970),
                 session.endedAt.map { .float($0.timeIntervalSince1970) } ?? .null,
                 .text(session.listener), .text(session.clientAddress), .text(session.connection),
                 .text(session.clientUser), session.subject.map { .text($0) } ?? .null,
                 .text(session.groups.joined(separator: ",")), .text(session.status),
                 session.reason.map { .text($0) } ?? .null])
        case .sessionEnded(let id, let at):
            _ = try await connection.query(
                "UPDATE sessions SET ended_at = ?, status = CASE status WHEN 'open' THEN 'ended' ELSE status END WHERE id = ?",
                [.float(at.timeIntervalSince1970), .text(id)])
        case .statementStarted(let statement):
            _ = try await connection.query(
                """
                INSERT INTO statements (session_id, sequence, started_at, text, verdict, reason, approval)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """,
                [.text(statement.sessionID), .integer(statement.sequence),
                 .float(statement.startedAt.timeIntervalSince1970), .text(statement.text),
                 .text(statement.verdict), statement.reason.map { .text($0) } ?? .null,
                 statement.approval.map { .text($0) } ?? .null])
        case .statementFinished(let id, let sequence, let duration, let rows, let summary, let code, let message, let result):
            _ = try await connection.query(
                """
                UPDATE statements SET duration_ms = ?, rows = ?, summary = ?, error_code = ?, error_message = ?,
                    result = ?
                WHERE session_id = ? AND sequence = ?
                """,
                [.float(duration), .integer(rows), .text(summary), code.map { .text($0) } ?? .null,
                 message.map { .text($0) } ?? .null, result.map { .text($0.json) } ?? .null,
                 .text(id), .integer(sequence)])
        }
    }

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
    init(row: SQLiteRow) {
        self.init(
            sessionID: row.column("session_id")?.string ?? "", sequence: Int(row.column("sequence")?.integer ?? 0),
            startedAt: row.date("started_at") ?? .distantPast, text: row.column("text")?.string ?? "",
            verdict: row.column("verdict")?.string ?? "", reason: row.column("reason")?.string,
            durationMilliseconds: row.column("duration_ms")?.double, rows: row.column("rows")?.integer.map { Int($0) },
            summary: row.column("summary")?.string, errorCode: row.column("error_code")?.string,
            errorMessage: row.column("error_message")?.string, approval: row.column("approval")?.string,
            result: row.column("result")?.string.flatMap(ResultTable.init(json:)))
    }
}

extension SQLiteRow {
    func date(_ name: String) -> Date? {
        column(name)?.double.map { Date(timeIntervalSince1970: $0) }
    }
}
