import WardenJSONMask
import Testing

/// Anything a client might read differently from the masker is rejected.
@Suite struct InvalidInputTests {
    @Test(arguments: [
        // document, kind, offset
        ("", nil, 0),
        ("  \n", nil, 0),
        ("[1,]", .syntax, 3),
        (#"{"a" 1}"#, .syntax, 5),
        ("]", .syntax, 0),
        ("[1}", .syntax, 2),
        (#"{"a":1]"#, .syntax, 6),
        ("{,}", .syntax, 1),
        (#"{"a":1,}"#, .syntax, 7),
        ("{1:2}", .syntax, 1),
        ("[1 2]", .syntax, 3),
        ("1 2 x", .syntax, 4),
        ("[1]x", .syntax, 3),
        ("truefalse", .syntax, 4),
        (#""a""b""#, .syntax, 3),
        ("nul", .truncated, 3),
        ("[tru]", .syntax, 4),
        ("[True]", .syntax, 1),
        ("[NaN]", .syntax, 1),
        ("[Infinity]", .syntax, 1),
        ("[01]", .syntax, 2),
        ("[-]", .syntax, 2),
        ("[1.]", .syntax, 3),
        ("[.5]", .syntax, 1),
        ("[+1]", .syntax, 1),
        ("[1e]", .syntax, 3),
        ("[1e+]", .syntax, 4),
        ("['a']", .syntax, 1),
        ("[1] // comment", .syntax, 4),
        ("/* c */ 1", .syntax, 0),
        ("[\u{A0}1]", .syntax, 1),
        ("[1", .truncated, 2),
        (#"{"a":"#, .truncated, 5),
        (#"{"a""#, .truncated, 4),
        (#"["abc"#, .truncated, 5),
        ("[1.5e", .truncated, 5),
        ("-", .truncated, 1),
        (#"["a\"#, .truncated, 4),
        (#"["\u12"#, .truncated, 6),
        ("[\"a\tb\"]", .invalidString, 3),
        ("[\"a\nb\"]", .invalidString, 3),
        (#"["\x"]"#, .invalidString, 3),
        (#"["\u12G4"]"#, .invalidString, 6),
        (#"["\ud800"]"#, .invalidString, 8),
        (#"["\ud800\n"]"#, .invalidString, 9),
        (#"["\ud800\u0041"]"#, .invalidString, 13),
        (#"["\udc00"]"#, .invalidString, 7),
        (#"{"ss\u0000n":1}"#, .invalidString, 1),
    ] as [(String, JSONStreamError.Kind?, Int)])
    func rejects(_ document: String, _ kind: JSONStreamError.Kind?, _ offset: Int) {
        let error = maskerError(Array(document.utf8))
        #expect(error?.kind == kind, "\(document)")
        if kind != nil { #expect(error?.offset == offset, "\(document): \(error?.description ?? "")") }
    }

    @Test(arguments: [
        [0x22, 0xC0, 0xA2, 0x22],  // overlong '"': a lenient decoder would end the string here
        [0x22, 0xE0, 0x80, 0xA2, 0x22],  // overlong, 3 bytes
        [0x22, 0xED, 0xA0, 0x80, 0x22],  // UTF-16 surrogate encoded in UTF-8
        [0x22, 0xF4, 0x90, 0x80, 0x80, 0x22],  // above U+10FFFF
        [0x22, 0xF5, 0x80, 0x80, 0x80, 0x22],
        [0x22, 0x80, 0x22],  // stray continuation byte
        [0x22, 0xC3, 0x22],  // truncated sequence
        [0x22, 0xFF, 0x22],
        [0xFE, 0xFF, 0x00, 0x22],  // UTF-16 byte order mark
        [0x20, 0xEF, 0xBB, 0xBF, 0x31],  // a BOM anywhere but at the start
    ] as [[UInt8]])
    func rejectsInvalidUTF8(_ document: [UInt8]) {
        let error = maskerError(document)
        #expect(error != nil)
        #expect(error?.kind == .invalidString || error?.kind == .syntax)
    }

    @Test func acceptsValidUTF8Boundaries() throws {
        let run = try runMasker(Array("[\"\u{7F}\u{80}\u{7FF}\u{800}\u{D7FF}\u{E000}\u{FFFF}\u{10000}\u{10FFFF}\"]".utf8), patterns: [])
        #expect(run.values.map(\.value) == ["\u{7F}\u{80}\u{7FF}\u{800}\u{D7FF}\u{E000}\u{FFFF}\u{10000}\u{10FFFF}"])
    }

    @Test func enforcesMaxDepth() throws {
        let bomb = Array(String(repeating: "[", count: 100_000).utf8)
        let error = maskerError(bomb)
        #expect(error?.kind == .depthLimitExceeded)
        #expect(error?.offset == 512)
        // Exactly maxDepth levels are fine.
        let deep = String(repeating: "[", count: 8) + String(repeating: "]", count: 8)
        #expect(maskerError(Array(deep.utf8), maxDepth: 8) == nil)
        #expect(maskerError(Array(("[" + deep + "]").utf8), maxDepth: 8)?.kind == .depthLimitExceeded)
    }

    @Test func enforcesMaxValueBytesWhereverTheValueIsSplit() throws {
        let long = Array(("[\"" + String(repeating: "a", count: 100) + "\", 1]").utf8)
        for splits in [[], [10], [10, 50, 90], Array(1..<long.count)] {
            #expect(maskerError(long, splits: splits, maxValueBytes: 102) == nil)
            let error = maskerError(long, splits: splits, maxValueBytes: 101)
            #expect(error?.kind == .valueTooLarge)
            #expect(error?.offset == 1)
        }
        let longNumber = Array(("[" + String(repeating: "9", count: 50) + "]").utf8)
        #expect(maskerError(longNumber, splits: [20], maxValueBytes: 49)?.kind == .valueTooLarge)
        // Keys of open objects are bounded together.
        let keys = Array(#"{"aaaaaaaaaa":{"bbbbbbbbbb":{"cccccccccc":1}}}"#.utf8)
        #expect(maskerError(keys, maxValueBytes: 30) == nil)
        #expect(maskerError(keys, maxValueBytes: 25)?.kind == .valueTooLarge)
    }

    @Test func errorDescriptionNamesTheOffset() {
        #expect(maskerError(Array("[1,]".utf8))?.description == "invalid JSON body at byte 3: unexpected ']', expected a value")
    }
}
