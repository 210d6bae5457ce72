import Foundation
import Logging
import SQLiteNIO
import Testing
import WardenCore

/// Appending, the chain it builds, and opening rules.
@Suite struct AuditLogTests {
    @Test func appendedEventsFormAChainThatVerifies() async throws {
        try await AuditTestFile.with { file in
            let log = try await file.open()
            let first = try await log.append(kind: AuditKind.configLoaded, actor: AuditKind.gatewayActor, detail: ["file": "warden.yaml"])
            let second = try await log.append(
                kind: AuditKind.statementDenied, actor: "alice@example.com", sessionID: "s-1",
                detail: ["statement": "DROP TABLE orders", "reason": "ddl not allowed"])
            #expect(first.seq == 1)
            #expect(first.prevHash == AuditHash.genesis)
            #expect(first.hash == first.computedHash)
            #expect(second.seq == 2)
            #expect(second.prevHash == first.hash)
            #expect(second.detailJSON == #"{"reason":"ddl not allowed","statement":"DROP TABLE orders"}"#)
            #expect(second.detail == ["statement": "DROP TABLE orders", "reason": "ddl not allowed"])
            try await log.append(kind: AuditKind.connectionRefused, actor: "bob")
            #expect(try await log.verify() == .intact(count: 3))
            #expect(try await log.events(since: nil).map(\.seq) == [1, 2, 3])
            // A page at a time.
            #expect(try await log.events(since: nil, after: 1, limit: 1).map(\.seq) == [2])
            #expect(try await log.events(since: nil, after: 2, limit: 5).map(\.seq) == [3])
            #expect(try await log.events(since: nil, after: 3, limit: 5).isEmpty)
            try await log.close()
        }
    }

    @Test func anEmptyTrailIsIntact() async throws {
        try await AuditTestFile.with { file in
            let log = try await file.open()
            #expect(try await log.verify() == .intact(count: 0))
            try await log.close()
        }
    }

    @Test func theChainContinuesAcrossReopening() async throws {
        try await AuditTestFile.with { file in
            let log = try await file.openWithEvents(3)
            try await log.close()
            let reopened = try await file.open()
            let next = try await reopened.append(kind: AuditKind.approvalRequested, actor: "alice")
            #expect(next.seq == 4)
            #expect(try await reopened.verify() == .intact(count: 4))
            try await reopened.close()
        }
    }

    @Test func fiftyConcurrentAppendsMakeOneGaplessChain() async throws {
        try await AuditTestFile.with { file in
            let log = try await file.open()
            let seqs = try await withThrowingTaskGroup(of: Int64.self) { group in
                for index in 0..<50 {
                    group.addTask {
                        try await log.append(kind: AuditKind.statementAllowed, actor: "user-\(index)", detail: ["n": "\(index)"]).seq
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(seqs.sorted() == Array(1...50))
            #expect(try await log.verify() == .intact(count: 50))
            try await log.close()
        }
    }

    @Test func twoWritersOnOneFileDoNotRace() async throws {
        try await AuditTestFile.with { file in
            let one = try await file.open()
            let two = try await file.open()
            // Closed whatever happens: an unclosed connection traps in SQLiteNIO.
            let outcome: Result<AuditVerification, any Error>
            do {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for index in 0..<40 {
                        let log = index.isMultiple(of: 2) ? one : two
                        group.addTask { try await log.append(kind: AuditKind.statementAllowed, actor: "user-\(index)") }
                    }
                    try await group.waitForAll()
                }
                outcome = .success(try await one.verify())
            } catch {
                outcome = .failure(error)
            }
            try await one.close()
            try await two.close()
            #expect(try outcome.get() == .intact(count: 40))
        }
    }

    @Test func theTriggersRefuseOrdinaryEdits() async throws {
        try await AuditTestFile.with { file in
            let log = try await file.openWithEvents(2)
            let connection = try await SQLiteConnection.open(storage: .file(path: file.path))
            await #expect(throws: (any Error).self) {
                _ = try await connection.query("UPDATE audit_events SET actor = 'mallory' WHERE seq = 1", [])
            }
            await #expect(throws: (any Error).self) {
                _ = try await connection.query("DELETE FROM audit_events WHERE seq = 2", [])
            }
            try await connection.close()
            #expect(try await log.verify() == .intact(count: 2))
            try await log.close()
        }
    }

    @Test func openingWithoutCreateRefusesAMissingTrail() async throws {
        try await AuditTestFile.with { file in
            await #expect(throws: AuditError.self) {
                _ = try await AuditLog.open(path: file.path, logger: Logger(label: "test"), create: false)
            }
            #expect(!FileManager.default.fileExists(atPath: file.path))
            // A store file without the audit tables (say, both were dropped) is not a trail.
            let store = try await RecordStore.open(path: file.path, logger: Logger(label: "test"))
            try await store.close()
            try await file.tamper(["DROP TABLE audit_events", "DROP TABLE audit_head"])
            await #expect(throws: AuditError.self) {
                _ = try await AuditLog.open(path: file.path, logger: Logger(label: "test"), create: false)
            }
        }
    }

    @Test func theTrailSharesTheFileWithTheRecordStore() async throws {
        try await AuditTestFile.with { file in
            let store = try await RecordStore.open(path: file.path, logger: Logger(label: "test"))
            let log = try await file.openWithEvents(2)
            #expect(try await store.sessions(limit: 10).isEmpty)
            #expect(try await log.verify() == .intact(count: 2))
            try await log.close()
            try await store.close()
        }
    }
}
