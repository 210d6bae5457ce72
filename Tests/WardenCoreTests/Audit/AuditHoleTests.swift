import Foundation
import Logging
import SQLiteNIO
import Testing

@testable import WardenCore

/// `verify` compares the records with the trail, so that an event removed
/// by someone who then re-hashed the whole chain is still found, and so is a
/// record written without its event.
@Suite struct AuditHoleTests {
    func withRecordedSession(_ body: (AuditTestFile) async throws -> Void) async throws {
        try await AuditTestFile.withRecordedSession(body)
    }

    func verify(_ file: AuditTestFile) async throws -> AuditVerification {
        let log = try await file.open()
        let result = try await log.verify()
        try await log.close()
        return result
    }

    func holes(_ file: AuditTestFile) async throws -> [AuditHole] {
        let result = try await verify(file)
        guard case .incomplete(_, let holes, _) = result else {
            Issue.record("expected holes, got \(result)")
            return []
        }
        return holes
    }

    @Test func aCompleteRecordIsIntact() async throws {
        try await withRecordedSession { file in
            let result = try await verify(file)
            #expect(result == .intact(count: 4))
        }
    }

    @Test func aStatementWhoseEventWasRemovedAndTheChainRehashedIsAHole() async throws {
        try await withRecordedSession { file in
            try await file.removeEventsAndRehash(where: "json_extract(detail, '$.sequence') = '2'")
            let holes = try await holes(file)
            #expect(holes.map(\.kind) == [.statementWithoutEvent])
            #expect(holes.first?.description == "statement #2 of session s1 has no statement.allowed or statement.denied event")
        }
    }

    @Test func aSessionWhoseEventWasRemovedAndTheChainRehashedIsAHole() async throws {
        try await withRecordedSession { file in
            try await file.removeEventsAndRehash(where: "kind = 'connection.accepted'")
            let holes = try await holes(file)
            #expect(holes.map(\.kind) == [.sessionWithoutEvent])
            #expect(holes.first?.description.hasPrefix("session s1 (alice, open, started ") == true)
        }
    }

    @Test func aStatementRemovedWithItsEventLeavesAGap() async throws {
        try await withRecordedSession { file in
            try await file.removeEventsAndRehash(where: "json_extract(detail, '$.sequence') = '2'")
            try await file.tamper(["DELETE FROM statements WHERE sequence = 2"])
            let holes = try await holes(file)
            #expect(holes.map(\.kind) == [.missingStatements])
            #expect(holes.first?.description == "statement #2 is missing from session s1: its statement records jump from #1 to #3")
        }
    }

    @Test func anEventWhoseRecordsWereRemovedIsAHole() async throws {
        try await withRecordedSession { file in
            try await file.tamper(["DELETE FROM statements WHERE sequence = 3"])
            #expect(try await holes(file).map(\.description) == [
                "event #4 (statement.allowed) names statement #3 of session s1, which has no record",
            ])
            try await file.tamper(["DELETE FROM sessions"])
            #expect(try await holes(file).map(\.description) == [
                "event #1 (connection.accepted) (and 3 later events) names session s1, which has no record",
            ])
        }
    }

    /// What cannot be seen in the file alone: the last statement removed with
    /// its event, and the chain re-hashed. Only a copy kept elsewhere (an
    /// export to a SIEM) shows it.
    @Test func theLastStatementRemovedWithItsEventIsNotDetectable() async throws {
        try await withRecordedSession { file in
            try await file.removeEventsAndRehash(where: "json_extract(detail, '$.sequence') = '3'")
            try await file.tamper(["DELETE FROM statements WHERE sequence = 3"])
            #expect(try await verify(file) == .intact(count: 3))
        }
    }

    @Test func aTrailWithoutRecordsIsCheckedAsAChainOnly() async throws {
        try await AuditTestFile.with { file in
            let log = try await file.openWithEvents(4)
            #expect(try await log.verify() == .intact(count: 4))
            try await log.close()
        }
    }
}

extension AuditTestFile {
    /// Session s1 with three statements, each with its events, as the gateway
    /// writes them, in a new file.
    static func withRecordedSession(_ body: (AuditTestFile) async throws -> Void) async throws {
        try await AuditTestFile.with { file in
            let store = try await RecordStore.open(path: file.path, logger: Logger(label: "hole-test"))
            var records: [RecordEvent] = [.sessionStarted(RecordStoreTests.session)]
            var audits = [AuditEntry(
                kind: AuditKind.connectionAccepted, actor: "alice", sessionID: "s1",
                detail: AuditedContent.session(RecordStoreTests.session))]
            for sequence in 1...3 {
                records.append(.statementStarted(RecordStoreTests.statement(sequence)))
                audits.append(AuditEntry(
                    kind: AuditKind.statementAllowed, actor: "alice", sessionID: "s1",
                    detail: AuditedContent.statement(RecordStoreTests.statement(sequence))))
            }
            try await store.apply(all: records, audits: audits)
            try await store.close()
            try await body(file)
        }
    }

    /// Removes the events `condition` selects and re-hashes the rest into a
    /// chain without gaps, as someone able to rewrite the file could.
    func removeEventsAndRehash(where condition: String) async throws {
        try await tamper(["DELETE FROM audit_events WHERE \(condition)"])
        let connection = try await SQLiteConnection.open(storage: .file(path: path))
        let events = try await connection.query("SELECT * FROM audit_events ORDER BY seq", []).map(AuditEvent.init(auditRow:))
        _ = try await connection.query("DELETE FROM audit_events", [])
        var prevHash = AuditHash.genesis
        for (index, event) in events.enumerated() {
            let seq = Int64(index + 1)
            let hash = AuditHash.compute(
                seq: seq, atMilliseconds: event.atMilliseconds, kind: event.kind, actor: event.actor,
                sessionID: event.sessionID, detailJSON: event.detailJSON, prevHash: prevHash)
            let rehashed = AuditEvent(
                seq: seq, atMilliseconds: event.atMilliseconds, kind: event.kind, actor: event.actor,
                sessionID: event.sessionID, detailJSON: event.detailJSON, prevHash: prevHash, hash: hash)
            _ = try await connection.query(
                "INSERT INTO audit_events (seq, at, kind, actor, session_id, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                rehashed.insertBinds)
            prevHash = hash
        }
        _ = try await connection.query(
            "UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1", [.integer(events.count), .text(prevHash)])
        try await connection.close()
    }
}
