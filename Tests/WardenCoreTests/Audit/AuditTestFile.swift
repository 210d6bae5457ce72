import Foundation
import Logging
import NIOConcurrencyHelpers
import SQLiteNIO
import WardenCore

/// A real SQLite file in a fresh temporary directory, removed afterwards.
struct AuditTestFile {
    let path: String

    static func with<T>(_ body: (AuditTestFile) async throws -> T) async throws -> T {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("warden-audit-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        return try await body(AuditTestFile(path: directory.appendingPathComponent("store/warden.db").path))
    }

    func open(now: @escaping @Sendable () -> Date = { Date() }) async throws -> AuditLog {
        try await AuditLog.open(path: path, logger: Logger(label: "audit-test"), now: now)
    }

    /// Opens a log and appends `count` events: every third with a session, details varying.
    func openWithEvents(_ count: Int) async throws -> AuditLog {
        let log = try await open()
        for index in 1...count {
            try await log.append(
                kind: index.isMultiple(of: 2) ? AuditKind.statementAllowed : AuditKind.connectionAccepted,
                actor: "alice@example.com", sessionID: index.isMultiple(of: 3) ? "s-\(index)" : nil,
                detail: ["statement": "SELECT \(index)", "connection": "orders"])
        }
        return log
    }

    /// Edits the file as an attacker would: a separate connection, raw SQL,
    /// and the append-only triggers dropped first.
    func tamper(_ statements: [String], binds: [[SQLiteData]] = []) async throws {
        let connection = try await SQLiteConnection.open(storage: .file(path: path))
        _ = try await connection.query("DROP TRIGGER IF EXISTS audit_events_no_update", [])
        _ = try await connection.query("DROP TRIGGER IF EXISTS audit_events_no_delete", [])
        for (index, statement) in statements.enumerated() {
            _ = try await connection.query(statement, index < binds.count ? binds[index] : [])
        }
        try await connection.close()
    }

    /// Reads one row as the attacker sees it.
    func row(_ seq: Int) async throws -> AuditEvent {
        let log = try await open()
        let event = try await log.events(since: nil).first { $0.seq == seq }
        try await log.close()
        guard let event else { throw AuditTestError("no event #\(seq)") }
        return event
    }
}

/// A clock that moves one minute forward each time it is read.
final class AuditStepClock: Sendable {
    private let current: NIOLockedValueBox<Date>

    init(start: Date) { current = NIOLockedValueBox(start) }

    func now() -> Date {
        current.withLockedValue { date in
            defer { date += 60 }
            return date
        }
    }
}

struct AuditTestError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
