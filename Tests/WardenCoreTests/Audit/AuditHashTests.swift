import Testing
import WardenCore

/// The hash encoding and canonical JSON: deterministic, and field boundaries cannot shift.
@Suite struct AuditHashTests {
    func hash(kind: String = "statement.allowed", actor: String = "alice", session: String? = nil, detail: String = "{}") -> String {
        AuditHash.compute(
            seq: 1, atMilliseconds: 1_764_064_800_000, kind: kind, actor: actor,
            sessionID: session, detailJSON: detail, prevHash: AuditHash.genesis)
    }

    @Test func theHashIsLowercaseHexSHA256AndDeterministic() {
        let value = hash()
        #expect(value.count == 64)
        #expect(value.allSatisfy { "0123456789abcdef".contains($0) })
        #expect(value == hash())
        #expect(AuditHash.genesis == String(repeating: "0", count: 64))
    }

    @Test func movingTextAcrossAFieldBoundaryChangesTheHash() {
        #expect(hash(kind: "ab", actor: "c") != hash(kind: "a", actor: "bc"))
        #expect(hash(actor: "alice", session: "x") != hash(actor: "alicex", session: ""))
    }

    @Test func aNullSessionDiffersFromAnEmptyOne() {
        #expect(hash(session: nil) != hash(session: ""))
    }

    @Test func canonicalJSONSortsKeysAndEscapes() {
        #expect(CanonicalJSON.object([:]) == "{}")
        #expect(CanonicalJSON.object(["b": "2", "a": "1", "B": "3"]) == #"{"B":"3","a":"1","b":"2"}"#)
        #expect(CanonicalJSON.string("a\"b\\c\nd\u{01}é/") == #""a\"b\\c\nd\u0001é/""#)
    }
}
