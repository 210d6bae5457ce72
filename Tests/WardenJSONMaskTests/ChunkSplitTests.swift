import WardenJSONMask
import Testing

/// A chunk may end anywhere; the result must not depend on where.
@Suite struct ChunkSplitTests {
    /// Exercises every lexer state: escapes (including a surrogate pair and
    /// `\u` split mid-digits), multi-byte UTF-8, every number form, literals,
    /// escaped keys, nesting, a key and a value split apart, JSON lines, and a
    /// trailing top-level number.
    static let tricky = Array("""
        {"user\\u0073":[{"e\\u006dail":"ann@x.com","ssn":"123-45-6789","n":-12.5e+3,"ok":true,"nil":null},\
        {"name":"J\\u00f8rn \\ud83d\\ude00 é 😀","ssn":"\\"\\\\\\/\\b\\f\\n\\r\\t","pin":0,"f":false,"e":1E-2}],\
        "deep":[[[{"ssn":[7,"x"]}]]],"":"empty key","k":{}}
        ["ssn",{"ssn":9}]
        "top" 42
        """.utf8)
    static let patterns = ["$..ssn", "$.users[*].email", "$..pin"]

    @Test func wholeDocumentIsMaskedAsExpected() throws {
        let run = try runMasker(Self.tricky, patterns: Self.patterns)
        #expect(run.text == """
            {"user\\u0073":[{"e\\u006dail":"***","ssn":"***","n":-12.5e+3,"ok":true,"nil":null},\
            {"name":"J\\u00f8rn \\ud83d\\ude00 é 😀","ssn":"***","pin":"***","f":false,"e":1E-2}],\
            "deep":[[[{"ssn":["***","***"]}]]],"":"empty key","k":{}}
            ["ssn",{"ssn":"***"}]
            "top" 42
            """)
        #expect(run.values.map(\.description) == [
            "$.users[0].email=ann@x.com@1", "$.users[0].ssn=123-45-6789@0",
            "$.users[1].name=Jørn 😀 é 😀", "$.users[1].ssn=\"\\/\u{8}\u{C}\n\r\t@0", "$.users[1].pin=0#@2",
            "$.deep[0][0][0].ssn[0]=7#@0", "$.deep[0][0][0].ssn[1]=x@0", "$['']=empty key", "$[0]=ssn", "$[1].ssn=9#@0", "$=top",
        ])
    }

    @Test func feedingByteByByteGivesTheSameResult() throws {
        let whole = try runMasker(Self.tricky, patterns: Self.patterns)
        let split = try runMasker(Self.tricky, patterns: Self.patterns, splits: Array(1..<Self.tricky.count))
        #expect(split == whole)
    }

    @Test func everyTwoWaySplitGivesTheSameResult() throws {
        let whole = try runMasker(Self.tricky, patterns: Self.patterns)
        for cut in 0...Self.tricky.count {
            let split = try runMasker(Self.tricky, patterns: Self.patterns, splits: [cut])
            #expect(split == whole, "split at \(cut)")
        }
    }

    @Test func everyThreeWaySplitOfAShortDocumentGivesTheSameResult() throws {
        let document = Array(#"{"k\u0065y":["\ud83d\ude00é",-1.5e3,{"ssn":"a\nb"}]} 7"#.utf8)
        let patterns = ["$..ssn", "$..[1]"]
        let whole = try runMasker(document, patterns: patterns)
        for first in 0...document.count {
            for second in first...document.count {
                let split = try runMasker(document, patterns: patterns, splits: [first, second])
                #expect(split == whole, "splits at \(first), \(second)")
            }
        }
    }

    @Test func invalidDocumentsFailTheSameWayWhereverTheyAreSplit() throws {
        for document in [#"{"a":"\ud800x"}"#, #"[1,]"#, #"{"a" 1}"#, "[tru]", #"["é\#u{1}"]"#, "[01]", "{\"a\":1"] {
            let bytes = Array(document.utf8)
            let whole = try #require(maskerError(bytes))
            for cut in 0...bytes.count {
                let split = maskerError(bytes, splits: [cut])
                #expect(split?.kind == whole.kind, "\(document) split at \(cut)")
                #expect(split?.offset == whole.offset, "\(document) split at \(cut)")
            }
        }
    }
}
