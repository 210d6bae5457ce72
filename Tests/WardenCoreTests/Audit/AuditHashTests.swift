import Foundation
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

    /// Escapes at the start, the end, side by side and between long plain runs
    /// read back as the text they encode.
    @Test func canonicalJSONStringsReadBackAsTheirText() throws {
        let pieces = ["", "plain", "\"", "\\", "\n", "\u{00}", "\u{1F}", "é", "😀", String(repeating: "x", count: 300)]
        var texts = pieces
        for first in pieces { for second in pieces { texts.append(first + second + first) } }
        for text in texts {
            let decoded = try JSONDecoder().decode(String.self, from: Data(CanonicalJSON.string(text).utf8))
            #expect(decoded == text)
        }
    }
}
