import Foundation
import Logging
import SQLiteNIO
import Testing

@testable import WardenCore

/// The store keeps each statement's result table and approval, and opens
/// stores written before those columns existed.
@Suite struct RecordStoreTests {
    static let start = Date(timeIntervalSince1970: 1_750_000_000)

    static func withStoreFile<T>(_ body: (String) async throws -> T) async throws -> T {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("warden-store-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        return try await body(directory.appendingPathComponent("warden.db").path)
    }

    static func open(_ path: String) async throws -> RecordStore {
        try await RecordStore.open(path: path, logger: Logger(label: "store-test"))
    }

    static let session = SessionRecord(
        id: "s1", startedAt: start, endedAt: nil, listener: "pg", clientAddress: "127.0.0.1:5000",
        connection: "orders", clientUser: "alice", subject: "alice", groups: ["analysts"], status: "open", reason: nil)

    static func statement(_ sequence: Int, approval: String? = nil) -> StatementRecord {
        StatementRecord(
            sessionID: "s1", sequence: sequence, startedAt: start.addingTimeInterval(Double(sequence)),
            text: "SELECT \(sequence)", verdict: "allow", reason: nil, approval: approval)
    }

    @Test func aResultTableAndAnApprovalRoundTrip() async throws {
        try await Self.withStoreFile { path in
            let store = try await Self.open(path)
            let table = ResultTable(columns: ["id", "email"], rows: [["1", nil], ["2", ""]], truncated: true)
            try await store.apply(.sessionStarted(Self.session))
            try await store.apply(.statementStarted(Self.statement(1, approval: "bob")))
            try await store.apply(.statementFinished(
                sessionID: "s1", sequence: 1, durationMilliseconds: 1.5, rows: 7, summary: "SELECT 7",
                errorCode: nil, errorMessage: nil, result: table))
            try await store.apply(.statementStarted(Self.statement(2)))
            try await store.apply(.statementFinished(
                sessionID: "s1", sequence: 2, durationMilliseconds: 0.5, rows: 1, summary: "INSERT 0 1",
                errorCode: nil, errorMessage: nil, result: nil))
            let statements = try await store.statements(sessionID: "s1")
            try await store.close()
            #expect(statements.map(\.result) == [table, nil])
            #expect(statements.map(\.approval) == ["bob", nil])
            #expect(statements[0].rows == 7)
        }
    }

    @Test func theResultIsStoredAsReadableJSON() async throws {
        try await Self.withStoreFile { path in
            let store = try await Self.open(path)
            try await store.apply(.sessionStarted(Self.session))
            try await store.apply(.statementStarted(Self.statement(1)))
            try await store.apply(.statementFinished(
                sessionID: "s1", sequence: 1, durationMilliseconds: 1, rows: 1, summary: "SELECT 1",
                errorCode: nil, errorMessage: nil, result: ResultTable(columns: ["a"], rows: [[nil]])))
            try await store.close()

            let connection = try await SQLiteConnection.open(storage: .file(path: path))
            let stored = try await connection.query("SELECT result FROM statements", []).first?.column("result")?.string
            try await connection.close()
            #expect(stored == #"{"columns":["a"],"rows":[[null]],"truncated":false}"#)
        }
    }

    /// The statements table as the first release created it.
    static let oldSchema = [
        """
        CREATE TABLE sessions (
            id TEXT PRIMARY KEY, started_at REAL NOT NULL, ended_at REAL,
            listener TEXT NOT NULL, client_address TEXT NOT NULL, connection TEXT NOT NULL,
            client_user TEXT NOT NULL, subject TEXT, groups TEXT NOT NULL,
            status TEXT NOT NULL, reason TEXT)
        """,
        """
        CREATE TABLE statements (
            session_id TEXT NOT NULL REFERENCES sessions(id), sequence INTEGER NOT NULL,
            started_at REAL NOT NULL, text TEXT NOT NULL, verdict TEXT NOT NULL, reason TEXT,
            duration_ms REAL, rows INTEGER, summary TEXT, error_code TEXT, error_message TEXT,
            PRIMARY KEY (session_id, sequence))
        """,
        """
        INSERT INTO sessions VALUES ('old', 1750000000, 1750000010, 'pg', '127.0.0.1:5000', 'orders',
            'alice', 'alice', 'analysts', 'ended', NULL)
        """,
        """
        INSERT INTO statements VALUES ('old', 1, 1750000001, 'SELECT 1', 'allow', NULL, 2.5, 1, 'SELECT 1', NULL, NULL)
        """,
    ]

    @Test func anOlderStoreGainsTheNewColumnsAndKeepsItsRows() async throws {
        try await Self.withStoreFile { path in
            try FileManager.default.createDirectory(
                atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            let old = try await SQLiteConnection.open(storage: .file(path: path))
            for statement in Self.oldSchema { _ = try await old.query(statement, []) }
            try await old.close()

            let store = try await Self.open(path)
            let before = try await store.statements(sessionID: "old")
            #expect(before.count == 1)
            #expect(before.first?.summary == "SELECT 1")
            #expect(before.first?.result == nil)
            #expect(before.first?.approval == nil)
            #expect(before.first?.facts == nil, "a row from before the store kept what the plugin said")
            // New rows use the added columns.
            var next = Self.statement(2, approval: "bob")
            next.sessionID = "old"
            next.facts = Self.facts
            try await store.apply(.statementStarted(next))
            try await store.apply(.statementFinished(
                sessionID: "old", sequence: 2, durationMilliseconds: 1, rows: 1, summary: "SELECT 1",
                errorCode: nil, errorMessage: nil, result: ResultTable(columns: ["n"], rows: [["1"]])))
            try await store.close()

            // Opening again finds the columns present and changes nothing.
            let reopened = try await Self.open(path)
            let after = try await reopened.statements(sessionID: "old")
            try await reopened.close()
            #expect(after.map(\.sequence) == [1, 2])
            #expect(after[1].approval == "bob")
            #expect(after[1].result == ResultTable(columns: ["n"], rows: [["1"]]))
            #expect(after[1].facts == Self.facts)
        }
    }

    static let facts = ActionFacts(
        kind: "http", className: "delete", risk: "high", targets: ["/admin/users/7", "a,b"],
        attributes: ["method": "DELETE", "path": "/admin/users/7", "quote": "\"\u{1}"])

    /// Issue 11: records keep each action's kind, class, risk, targets and
    /// attributes, whatever its protocol.
    @Test func whatThePluginSaidOfAnActionRoundTrips() async throws {
        try await Self.withStoreFile { path in
            let store = try await Self.open(path)
            var statement = Self.statement(1)
            statement.facts = Self.facts
            try await store.apply(.sessionStarted(Self.session))
            try await store.apply(.statementStarted(statement))
            let read = try await store.statements(sessionID: "s1")
            try await store.close()
            #expect(read.first?.facts == Self.facts)
        }
    }
}
