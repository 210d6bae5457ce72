import Foundation
import SQLiteNIO
import Testing
import WardenCore

/// Each way of editing the file that `verify` must catch, done with raw SQL
/// on a separate connection as an attacker would, and the first broken event
/// it names.
@Suite struct AuditTamperTests {
    /// Six events, one tampering, then the verdict of a fresh verify.
    func verdict(after tamper: (AuditTestFile) async throws -> Void) async throws -> AuditVerification {
        try await AuditTestFile.with { file in
            let log = try await file.openWithEvents(6)
            #expect(try await log.verify() == .intact(count: 6))
            try await tamper(file)
            let result = try await log.verify()
            try await log.close()
            return result
        }
    }

    func expectBroken(_ result: AuditVerification, at seq: Int64, mentioning words: String) {
        guard case .broken(let brokenSeq, let reason) = result else {
            Issue.record("expected the trail to be broken at #\(seq), got \(result)")
            return
        }
        #expect(brokenSeq == seq, "\(reason)")
        #expect(reason.contains(words), "\(reason)")
    }

    static let fieldEdits = [
        "detail = '{\"connection\":\"orders\",\"statement\":\"SELECT 1\"}'",
        "kind = 'statement.allowed'",
        "actor = 'mallory'",
        "at = at + 60",
        "session_id = 's-99'",
        "session_id = NULL",
    ]

    @Test(arguments: fieldEdits)
    func aChangedFieldIsAHashMismatch(_ edit: String) async throws {
        let result = try await verdict { file in
            try await file.tamper(["UPDATE audit_events SET \(edit) WHERE seq = 3"])
        }
        expectBroken(result, at: 3, mentioning: "hash mismatch")
    }

    @Test func aChangedFieldWithItsHashRecomputedIsCaughtAtTheNextEvent() async throws {
        let result = try await verdict { file in
            let original = try await file.row(3)
            let forgedDetail = #"{"connection":"orders","statement":"SELECT harmless"}"#
            let forgedHash = AuditHash.compute(
                seq: 3, atMilliseconds: original.atMilliseconds, kind: original.kind, actor: original.actor,
                sessionID: original.sessionID, detailJSON: forgedDetail, prevHash: original.prevHash)
            try await file.tamper(
                ["UPDATE audit_events SET detail = ?, hash = ? WHERE seq = 3"], binds: [[.text(forgedDetail), .text(forgedHash)]])
        }
        expectBroken(result, at: 4, mentioning: "prev_hash does not match the hash of event #3")
    }

    @Test func aDeletedMiddleEventIsNamed() async throws {
        let result = try await verdict { file in
            try await file.tamper(["DELETE FROM audit_events WHERE seq = 3"])
        }
        expectBroken(result, at: 3, mentioning: "event #3 is missing")
    }

    @Test func aDeletedLastEventIsCaughtByTheHead() async throws {
        let result = try await verdict { file in
            try await file.tamper(["DELETE FROM audit_events WHERE seq = 6"])
        }
        expectBroken(result, at: 6, mentioning: "the last 1 event was removed")
    }

    @Test func severalDeletedLastEventsAreCounted() async throws {
        let result = try await verdict { file in
            try await file.tamper(["DELETE FROM audit_events WHERE seq >= 4"])
        }
        expectBroken(result, at: 4, mentioning: "the last 3 events were removed")
    }

    @Test func aForgedEventAppendedWithAValidLinkIsCaughtByTheHead() async throws {
        let result = try await verdict { file in
            let last = try await file.row(6)
            let at = last.atMilliseconds + 1000
            let hash = AuditHash.compute(
                seq: 7, atMilliseconds: at, kind: AuditKind.approvalDecided, actor: "mallory",
                sessionID: nil, detailJSON: #"{"decision":"approved"}"#, prevHash: last.hash)
            try await file.tamper(
                ["INSERT INTO audit_events (seq, at, kind, actor, session_id, detail, prev_hash, hash) VALUES (7, ?, ?, 'mallory', NULL, ?, ?, ?)"],
                binds: [[.float(Double(at) / 1000), .text(AuditKind.approvalDecided), .text(#"{"decision":"approved"}"#), .text(last.hash), .text(hash)]])
        }
        expectBroken(result, at: 7, mentioning: "was not written by warden")
    }

    @Test func aForgedEventInsertedInTheMiddleBreaksTheChain() async throws {
        let result = try await verdict { file in
            try await file.tamper([
                "UPDATE audit_events SET seq = -seq WHERE seq >= 4",
                "UPDATE audit_events SET seq = 1 - seq WHERE seq < 0",
                "INSERT INTO audit_events SELECT 4, at, kind, 'mallory', session_id, detail, prev_hash, hash FROM audit_events WHERE seq = 3",
            ])
        }
        expectBroken(result, at: 4, mentioning: "prev_hash")
    }

    @Test func rewritingTheRestOfTheChainIsCaughtByTheHead() async throws {
        let result = try await verdict { file in
            var previous = try await file.row(2).hash
            for seq in 3...6 {
                let event = try await file.row(seq)
                let actor = seq == 3 ? "mallory" : event.actor
                let hash = AuditHash.compute(
                    seq: event.seq, atMilliseconds: event.atMilliseconds, kind: event.kind, actor: actor,
                    sessionID: event.sessionID, detailJSON: event.detailJSON, prevHash: previous)
                try await file.tamper(
                    ["UPDATE audit_events SET actor = ?, prev_hash = ?, hash = ? WHERE seq = ?"],
                    binds: [[.text(actor), .text(previous), .text(hash), .integer(seq)]])
                previous = hash
            }
        }
        expectBroken(result, at: 6, mentioning: "does not match audit_head")
    }

    /// The documented limit: whoever rewrites the chain and the head together is
    /// not caught by the file alone; only an exported copy shows the change.
    @Test func rewritingTheChainAndTheHeadTogetherIsUndetectableLocally() async throws {
        let result = try await verdict { file in
            try await file.tamper(["DELETE FROM audit_events WHERE seq = 6"])
            let last = try await file.row(5)
            try await file.tamper(["UPDATE audit_head SET seq = 5, hash = ?"], binds: [[.text(last.hash)]])
        }
        #expect(result == .intact(count: 5))
    }

    @Test func aDeletedHeadIsReported() async throws {
        let result = try await verdict { file in
            try await file.tamper(["DELETE FROM audit_head"])
        }
        expectBroken(result, at: 7, mentioning: "audit_head row is missing")
    }

    @Test func appendingAfterATailDeletionKeepsTheGapVisible() async throws {
        try await AuditTestFile.with { file in
            let log = try await file.openWithEvents(6)
            try await file.tamper(["DELETE FROM audit_events WHERE seq = 6"])
            let next = try await log.append(kind: AuditKind.configLoaded, actor: AuditKind.gatewayActor)
            #expect(next.seq == 7)
            expectBroken(try await log.verify(), at: 6, mentioning: "event #6 is missing")
            try await log.close()
        }
    }
}
