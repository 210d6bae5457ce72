import Foundation
import WardenJSONMask
import Testing

@Suite struct JSONStreamMaskerTests {
    @Test func replacesMatchedValuesInPlaceAndKeepsEveryOtherByte() throws {
        let document = """
            { "users" : [ {"name":"Ann",  "ssn":"123-45-6789", "email" : "a\\u0040x.com"},
            \t{"name":"Bob","ssn":"987-65-4321","age":1.50e+2} ],
              "ok": true, "none": null, "n": -0 }
            """
        let run = try runMasker(document, patterns: ["$..ssn", "$.users[*].email"])
        #expect(run.text == """
            { "users" : [ {"name":"Ann",  "ssn":"***", "email" : "***"},
            \t{"name":"Bob","ssn":"***","age":1.50e+2} ],
              "ok": true, "none": null, "n": -0 }
            """)
        // Every string reaches mask with its path; numbers only when matched.
        #expect(run.values.map(\.description) == [
            "$.users[0].name=Ann", "$.users[0].ssn=123-45-6789@0", "$.users[0].email=a@x.com@1",
            "$.users[1].name=Bob", "$.users[1].ssn=987-65-4321@0",
        ])
    }

    @Test func handsMaskOnlyMatchedNumbersAndReplacesThemWithStrings() throws {
        let run = try runMasker(#"{"id":12,"pin":1234,"big":1e999,"list":[0.5,-7E-3]}"#,
                                patterns: ["$.pin", "$.big", "$.list[1]"])
        #expect(run.text == #"{"id":12,"pin":"***","big":"***","list":[0.5,"***"]}"#)
        #expect(run.values.map(\.description) == ["$.pin=1234#@0", "$.big=1e999#@1", "$.list[1]=-7E-3#@2"])
    }

    @Test func matchesKeysAfterUnescaping() throws {
        let run = try runMasker(#"{"e\u006dail":"x@y","\u0073sn":"1","s\/n":"2"}"#, patterns: ["$.email", "$.ssn", "$['s/n']"])
        #expect(run.text == #"{"e\u006dail":"***","\u0073sn":"***","s\/n":"***"}"#)
        #expect(run.values.map(\.path) == ["$.email", "$.ssn", "$['s/n']"])
    }

    @Test func masksEveryOccurrenceOfADuplicateKey() throws {
        // Clients differ on which duplicate wins; both are masked.
        let run = try runMasker(#"{"ssn":"1","ssn":{"ssn":"2"},"ss\u006e":"3"}"#, patterns: ["$..ssn"])
        #expect(run.text == #"{"ssn":"***","ssn":{"ssn":"***"},"ss\u006e":"***"}"#)
    }

    @Test func decodesEscapesAndSurrogatePairs() throws {
        let run = try runMasker(#"["\ud83d\ude00 \u00e9\n\t\"\\\/\b\f\r", "raw é 😀", "\u0000"]"#, patterns: [])
        #expect(run.values.map(\.value) == ["😀 é\n\t\"\\/\u{8}\u{C}\r", "raw é 😀", "\u{0}"])
    }

    @Test func writesReplacementsAsEscapedJSONStrings() throws {
        let replacement = "q\"b\\n\nc\u{1}é😀"
        let run = try runMasker(#"{"a":"x","b":2}"#, patterns: ["$.a", "$.b"]) { _ in replacement }
        #expect(run.text == #"{"a":"q\"b\\n\nc\u0001é😀","b":"q\"b\\n\nc\u0001é😀"}"#)
        let parsed = try JSONSerialization.jsonObject(with: Data(run.output)) as? [String: String]
        #expect(parsed == ["a": replacement, "b": replacement])
        // And the masker reads its own output back to the same text.
        #expect(try runMasker(run.output, patterns: []).values.map(\.value) == [replacement, replacement])
    }

    @Test func maskMayReplaceUnmatchedStrings() throws {
        let run = try runMasker(#"{"note":"card 4111111111111111","n":"ok"}"#, patterns: []) {
            $0.value.contains("4111") ? "[card]" : nil
        }
        #expect(run.text == #"{"note":"[card]","n":"ok"}"#)
    }

    @Test func acceptsJSONLines() throws {
        let document = "{\"ssn\":\"1\"}\n{\"ssn\":\"2\"}\r\n\"top\"\n[\"ssn\"]\n42\ntrue 7 null\n"
        let run = try runMasker(document, patterns: ["$.ssn"])
        #expect(run.text == "{\"ssn\":\"***\"}\n{\"ssn\":\"***\"}\r\n\"top\"\n[\"ssn\"]\n42\ntrue 7 null\n")
        // `$` is each line's root, so it covers every value.
        let all = try runMasker(document, patterns: ["$"])
        #expect(all.text == "{\"ssn\":\"***\"}\n{\"ssn\":\"***\"}\r\n\"***\"\n[\"***\"]\n\"***\"\ntrue \"***\" null\n")
    }

    @Test func tracksPathsThroughNestedArrays() throws {
        let run = try runMasker(#"[[1,["a",{"k":[[],"b"]}]],{"ssn":[{"x":"c"}]},[]]"#, patterns: ["$..ssn..x"])
        #expect(run.values.map(\.description) == ["$[0][1][0]=a", "$[0][1][1].k[1]=b", "$[1].ssn[0].x=c@0"])
        #expect(run.text == #"[[1,["a",{"k":[[],"b"]}]],{"ssn":[{"x":"***"}]},[]]"#)
    }

    @Test func masksEverythingUnderAMatchedObjectOrArray() throws {
        // Upstream may wrap a secret; the rule still covers it. Keys and
        // true/false/null are not values that can be rewritten.
        let run = try runMasker(#"{"card":{"number":"4111","exp":[12,"2030"],"ok":true},"cards":[{"card":[["x"]]}]}"#,
                                patterns: ["$.x", "$..card"])
        #expect(run.text == #"{"card":{"number":"***","exp":["***","***"],"ok":true},"cards":[{"card":[["***"]]}]}"#)
        #expect(run.values.map(\.description) == [
            "$.card.number=4111@1", "$.card.exp[0]=12#@1", "$.card.exp[1]=2030@1", "$.cards[0].card[0][0]=x@1",
        ])
    }

    @Test func reportsTheFirstMatchingPattern() throws {
        let run = try runMasker(#"{"a":{"b":"v"}}"#, patterns: ["$.x", "$..b", "$.a.b"])
        #expect(run.values.map(\.matchedPattern) == [1])
    }

    @Test func exposesPathSegments() throws {
        var masker = JSONStreamMasker(patterns: [])
        var paths: [[JSONPathSegment]] = []
        _ = try Array(#"{"a b":[{"é":"v"}],"t":"w"}"#.utf8).withUnsafeBytes { bytes in
            try masker.feed(bytes) { values in paths += values.map(\.path) }
        }
        #expect(paths == [[.key("a b"), .index(0), .key("é")], [.key("t")]])
    }

    @Test func passesALeadingByteOrderMarkThrough() throws {
        let document: [UInt8] = [0xEF, 0xBB, 0xBF] + Array(#"{"ssn":"1"}"#.utf8)
        let run = try runMasker(document, patterns: ["$.ssn"], splits: [1, 2])
        #expect(run.output == [0xEF, 0xBB, 0xBF] + Array(#"{"ssn":"***"}"#.utf8))
    }

    @Test func finishWithoutMaskFailsClosedOnAMatchedTrailingNumber() throws {
        var masker = JSONStreamMasker(patterns: try patterns(["$"]))
        _ = try Array("123".utf8).withUnsafeBytes { try masker.feed($0) { _ in } }
        let error = #expect(throws: JSONStreamError.self) { try masker.finish() }
        #expect(error?.kind == .maskFailed)

        var unmatched = JSONStreamMasker(patterns: try patterns(["$.a"]))
        let output = try Array("123".utf8).withUnsafeBytes { try unmatched.feed($0) { _ in } }
        #expect(output.isEmpty)  // a number may continue in the next chunk
        #expect(try unmatched.finish() == Array("123".utf8))
    }

    @Test func rejectsMaskThatAddsRemovesOrSwapsValues() throws {
        var stale: [JSONScalar] = []
        var earlier = JSONStreamMasker(patterns: [])
        _ = try Array(#"["a","b"]"#.utf8).withUnsafeBytes { try earlier.feed($0) { stale = $0 } }
        for tamper in [{ (values: inout [JSONScalar]) in values.append(values[0]) },
                       { (values: inout [JSONScalar]) in values.removeLast() },
                       { (values: inout [JSONScalar]) in values.reverse() },
                       { (values: inout [JSONScalar]) in values = stale }] {
            var masker = JSONStreamMasker(patterns: [])
            let error = #expect(throws: JSONStreamError.self) {
                try Array(#"["a","b"]"#.utf8).withUnsafeBytes { try masker.feed($0, mask: tamper) }
            }
            #expect(error?.kind == .maskFailed)
        }
    }

    @Test func wrapsMaskErrorsAndStaysFailed() throws {
        struct Boom: Error {}
        var masker = JSONStreamMasker(patterns: [])
        let error = #expect(throws: JSONStreamError.self) {
            try Array(#"["a"]"#.utf8).withUnsafeBytes { try masker.feed($0) { _ in throw Boom() } }
        }
        #expect(error?.kind == .maskFailed)
        #expect(error?.underlying is Boom)
        // Later calls must not pass anything on.
        let again = #expect(throws: JSONStreamError.self) {
            try Array("1 ".utf8).withUnsafeBytes { try masker.feed($0) { _ in } }
        }
        #expect(again?.kind == .maskFailed)
        #expect(throws: JSONStreamError.self) { try masker.finish() }
    }

    @Test func callsMaskOncePerFeedAndOnlyWithValues() throws {
        var masker = JSONStreamMasker(patterns: [])
        var calls: [Int] = []
        for chunk in [#"{"a":"x","b":["y","#, "12", #"3, "z"]}"#] {
            _ = try Array(chunk.utf8).withUnsafeBytes { try masker.feed($0) { calls.append($0.count) } }
        }
        _ = try masker.finish { calls.append($0.count) }
        #expect(calls == [2, 1])  // unmatched numbers are never handed over
    }
}
