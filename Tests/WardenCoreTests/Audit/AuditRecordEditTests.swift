import Foundation
import Logging
import Testing

@testable import WardenCore

/// `verify` compares each record with what its audit event says: a record
/// edited by hand, without touching the trail, is named with the column
/// that changed; events from an older warden are compared on what they
/// carry and counted.
@Suite struct AuditRecordEditTests {
    func verify(_ file: AuditTestFile) async throws -> AuditVerification {
        let log = try await file.open()
        let result = try await log.verify()
        try await log.close()
        return result
    }

    func differences(_ file: AuditTestFile) async throws -> [AuditHole] {
        let result = try await verify(file)
        guard case .incomplete(_, let holes, _) = result else {
            Issue.record("expected differences, got \(result)")
            return []
        }
        #expect(holes.allSatisfy { $0.kind == .recordDiffers }, "\(holes)")
        return holes
    }

    @Test func untouchedRecordsAreIntactAndFullyChecked() async throws {
        try await AuditTestFile.withRecordedSession { file in
            let result = try await verify(file)
            #expect(result == .intact(count: 4, partlyChecked: 0))
        }
    }

    @Test func aStatementWhoseTextWasEditedIsNamed() async throws {
        try await AuditTestFile.withRecordedSession { file in
            try await file.tamper(["UPDATE statements SET text = 'SELECT 42' WHERE sequence = 2"])
            let found = try await differences(file)
            #expect(found.map(\.description) == ["statement #2 of session s1 differs from its event #3 (statement.allowed) in text"])
            #expect(found.first?.field == "text" && found.first?.sequence == 2 && found.first?.eventSeq == 3)
        }
    }

    @Test func aStatementWhoseVerdictWasEditedIsNamed() async throws {
        try await AuditTestFile.withRecordedSession { file in
            try await file.tamper(["UPDATE statements SET verdict = 'deny', reason = 'refused' WHERE sequence = 3"])
            #expect(try await differences(file).map(\.description) == [
                "statement #3 of session s1 differs from its event #4 (statement.allowed) in verdict: the record says deny",
                "statement #3 of session s1 differs from its event #4 (statement.allowed) in reason",
            ])
        }
    }

    @Test func aSessionWhoseSubjectWasEditedIsNamed() async throws {
        try await AuditTestFile.withRecordedSession { file in
            try await file.tamper(["UPDATE sessions SET subject = 'bob', groups = 'dba'"])
            #expect(try await differences(file).map(\.description) == [
                "session s1 differs from its event #1 (connection.accepted) in groups",
                "session s1 differs from its event #1 (connection.accepted) in subject",
            ])
        }
    }

    /// A reason given to a session the gateway did not end has no event to
    /// vouch for it; the reason of one it did end is its `session.ended`'s.
    @Test func aSessionsReasonIsComparedWithItsEndEvent() async throws {
        try await AuditTestFile.withRecordedSession { file in
            try await file.tamper(["UPDATE sessions SET ended_at = started_at + 60, status = 'ended', reason = 'it ended'"])
            #expect(try await differences(file).map(\.description) == [
                "session s1 differs from its event #1 (connection.accepted) in reason: the record gives one, and no session.ended event does",
            ])

            let log = try await file.open()
            try await log.append(kind: AuditKind.sessionEnded, actor: "warden", sessionID: "s1", detail: ["reason": "it ended"])
            try await log.close()
            #expect(try await verify(file) == .intact(count: 5))
            try await file.tamper(["UPDATE sessions SET reason = 'something else'"])
            #expect(try await differences(file).map(\.description) == [
                "session s1 differs from its event #5 (session.ended) in reason",
            ])
        }
    }

    /// A store written by an older warden, whose events carried less:
    /// compared on what they carry, and counted.
    @Test func recordsWithOlderEventsAreCheckedInPart() async throws {
        try await AuditTestFile.with { file in
            let store = try await RecordStore.open(path: file.path, logger: Logger(label: "edit-test"))
            let session = RecordStoreTests.session
            var records: [RecordEvent] = [.sessionStarted(session)]
            var audits = [AuditEntry(
                kind: AuditKind.connectionAccepted, actor: "alice", sessionID: "s1",
                detail: ["listener": session.listener, "client": session.clientAddress, "connection": session.connection,
                         "client_user": session.clientUser, "groups": "analysts"])]
            for sequence in 1...2 {
                let statement = RecordStoreTests.statement(sequence)
                records.append(.statementStarted(statement))
                audits.append(AuditEntry(
                    kind: AuditKind.statementAllowed, actor: "alice", sessionID: "s1",
                    detail: ["sequence": "\(sequence)", "text": statement.text, "class": "read"]))
            }
            try await store.apply(all: records, audits: audits)
            try await store.close()
            #expect(try await verify(file) == .intact(count: 3, partlyChecked: 3))

            // What an older event carries is still compared; what it lacks is not.
            try await file.tamper(["UPDATE statements SET text = 'SELECT 42', reason = 'anything' WHERE sequence = 1"])
            let found = try await differences(file)
            #expect(found.map(\.field) == ["text"])
            #expect(try await verify(file) == .incomplete(count: 3, holes: found, partlyChecked: 3))
        }
    }
}
