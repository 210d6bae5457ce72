import Foundation
import Testing
import WardenCore

/// JSON lines for a SIEM, `--since`, and recomputing hashes from an export.
@Suite struct AuditExportTests {
    static let start = Date(timeIntervalSince1970: 1_795_600_800)  // 2026-11-25T10:00:00Z

    func exportedObjects(_ lines: [String]) throws -> [[String: Any]] {
        try lines.map { line in
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8))
            guard let dictionary = object as? [String: Any] else { throw AuditTestError("not an object: \(line)") }
            return dictionary
        }
    }

    @Test func eachEventIsOneJSONObjectWithEveryField() async throws {
        try await AuditTestFile.with { file in
            let clock = AuditStepClock(start: Self.start)
            let log = try await file.open(now: clock.now)
            try await log.append(kind: AuditKind.configLoaded, actor: AuditKind.gatewayActor, detail: ["file": "warden.yaml"])
            try await log.append(kind: AuditKind.statementDenied, actor: "alice", sessionID: "s-1", detail: ["statement": "DROP \"x\"\n"])
            let lines = try await log.export(since: nil)
            try await log.close()
            #expect(lines.count == 2)
            #expect(lines.allSatisfy { !$0.contains("\n") })
            let objects = try exportedObjects(lines)
            #expect(objects[0]["seq"] as? Int == 1)
            #expect(objects[0]["at"] as? String == "2026-11-25T10:00:00.000Z")
            #expect(objects[0]["kind"] as? String == "config.loaded")
            #expect(objects[0]["actor"] as? String == "warden")
            #expect(objects[0]["session_id"] is NSNull)
            #expect(objects[0]["detail"] as? [String: String] == ["file": "warden.yaml"])
            #expect(objects[0]["prev_hash"] as? String == AuditHash.genesis)
            #expect(objects[1]["prev_hash"] as? String == objects[0]["hash"] as? String)
            #expect(objects[1]["session_id"] as? String == "s-1")
            #expect(objects[1]["detail"] as? [String: String] == ["statement": "DROP \"x\"\n"])
        }
    }

    @Test func aSIEMCanRecomputeEachHashFromTheExport() async throws {
        try await AuditTestFile.with { file in
            let log = try await file.openWithEvents(4)
            let lines = try await log.export(since: nil)
            try await log.close()
            for (line, object) in zip(lines, try exportedObjects(lines)) {
                let detail = try #require(object["detail"] as? [String: String])
                let at = try #require(object["at"] as? String)
                let date = try #require(AuditSince.parse(at))
                let hash = AuditHash.compute(
                    seq: Int64(try #require(object["seq"] as? Int)),
                    atMilliseconds: Int64((date.timeIntervalSince1970 * 1000).rounded()),
                    kind: try #require(object["kind"] as? String), actor: try #require(object["actor"] as? String),
                    sessionID: object["session_id"] as? String, detailJSON: CanonicalJSON.object(detail),
                    prevHash: try #require(object["prev_hash"] as? String))
                #expect(hash == object["hash"] as? String, "\(line)")
            }
        }
    }

    @Test func sinceKeepsEventsAtOrAfterTheTime() async throws {
        try await AuditTestFile.with { file in
            let clock = AuditStepClock(start: Self.start)  // events at 10:00, 10:01, 10:02, 10:03
            let log = try await file.open(now: clock.now)
            for _ in 0..<4 {
                try await log.append(kind: AuditKind.statementAllowed, actor: "alice")
            }
            let since = try #require(AuditSince.parse("2026-11-25T10:02:00Z"))
            let objects = try exportedObjects(try await log.export(since: since))
            try await log.close()
            #expect(objects.compactMap { $0["seq"] as? Int } == [3, 4])
        }
    }

    /// The crash the admin API's fuzzing found: `?since=` of 7,000 × `999999999d`
    /// reached this with a time 19 billion years back, and converting it to
    /// whole milliseconds trapped, ending the gateway.
    @Test func aTimeFarOutsideTheTrailIsAnAnswerNotATrap() async throws {
        try await AuditTestFile.with { file in
            let log = try await file.open(now: AuditStepClock(start: Self.start).now)
            try await log.append(kind: AuditKind.statementAllowed, actor: "alice")
            let all = try await log.events(since: Date(timeIntervalSince1970: -6e17))
            let none = try await log.events(since: Date(timeIntervalSince1970: 6e17))
            try await log.close()
            #expect(all.map(\.seq) == [1])
            #expect(none.isEmpty)
        }
    }

    @Test func sinceAcceptsTimesAndDurations() throws {
        let now = Self.start
        #expect(AuditSince.parse("2026-11-25T10:00:00Z") == now)
        #expect(AuditSince.parse("2026-11-25T10:00:00.250Z") == now.addingTimeInterval(0.25))
        #expect(AuditSince.parse("1h", now: now) == now.addingTimeInterval(-3600))
        #expect(AuditSince.parse("1h30m", now: now) == now.addingTimeInterval(-5400))
        #expect(AuditSince.parse("yesterday", now: now) == nil)
        #expect(AuditSince.parse("", now: now) == nil)
        // Found by fuzzing `GET /v1/audit?since=`: none of these may reach date arithmetic.
        for text in [
            "99999999999999d", "36501d", "+999999999-01-01T00:00:00Z", "99999-01-01T00:00:00Z",
            "1969-12-31T23:59:59Z", "-0001-01-01T00:00:00Z", "2026-11-25T10:00:00Z\u{0}", "2026-11-25T10:00:00Zjunk",
            " 2026-11-25T10:00:00Z", "2026-11-25T10:00:00.1234567890Z", "2026-11-25T10:00:00", "\u{661}h",
            String(repeating: "2026", count: 1000),
        ] {
            #expect(AuditSince.parse(text, now: now) == nil, "\(text.prefix(40))")
        }
        #expect(AuditSince.parse("2026-11-25T11:00:00+01:00", now: now) == now)
        #expect(AuditSince.parse("36500d", now: now) == now.addingTimeInterval(-36_500 * 86_400))
        #expect(AuditSince.parse("9999-12-31T23:59:59Z", now: now) == Date(timeIntervalSince1970: 253_402_300_799))
    }

    @Test func timestampsKeepTheExactMillisecond() {
        #expect(AuditExport.timestamp(milliseconds: 1_795_600_800_007) == "2026-11-25T10:00:00.007Z")
        #expect(AuditExport.timestamp(milliseconds: 1_795_600_800_999) == "2026-11-25T10:00:00.999Z")
        #expect(AuditExport.timestamp(milliseconds: -1) == "1969-12-31T23:59:59.999Z")
    }

    /// Red team round 3: a client's U+009B (CSI) reached the terminal of an
    /// operator running `warden audit export`. On a terminal it is written
    /// as a JSON escape: the same value, inert.
    @Test func terminalControlsBecomeJSONEscapes() throws {
        let line = #"{"detail":{"body":"x\#u{9B}2J\#u{202E}txt"},"kind":"a"}"#
        let escaped = AuditExport.escapingTerminalControls(line)
        #expect(escaped == #"{"detail":{"body":"x\u009b2J\u202etxt"},"kind":"a"}"#)
        let parsed = try JSONSerialization.jsonObject(with: Data(escaped.utf8)) as? [String: Any]
        #expect((parsed?["detail"] as? [String: String])?["body"] == "x\u{9B}2J\u{202E}txt")
    }
}
