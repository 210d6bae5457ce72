import WardenJSONMask
import Testing

@Suite struct JSONPathPatternTests {
    @Test(arguments: [
        "$", "$.a", "$.a.b_c", "$.x-api-key", "$['a b']", "$[\"a b\"]", "$['it\\'s']", "$[\"say \\\"hi\\\"\"]",
        "$['back\\\\slash']", "$[0]", "$[12]", "$[*]", "$.*", "$..ssn", "$..*", "$..[*]", "$..[0]", "$..['a b']",
        "$.users[*].email", "$[*].email", "$['\\u0041\\ud83d\\ude00']",
    ])
    func parsesValidPatterns(_ text: String) throws {
        let pattern = try JSONPathPattern(text)
        #expect(pattern.text == text)
        #expect(pattern.description == text)
    }

    @Test(arguments: [
        ("", 0, "expected '$' at the start of the path, found end of pattern"),
        ("a.b", 0, "expected '$' at the start of the path, found 'a'"),
        ("$.", 2, "expected a member name or '*' after '.' (use ['…'] for other names), found end of pattern"),
        ("$..", 3, "expected a member name or '*' after '..' (use ['…'] for other names), found end of pattern"),
        ("$...a", 3, "expected a member name or '*' after '..' (use ['…'] for other names), found '.'"),
        ("$.1a", 2, "expected a member name or '*' after '.' (use ['…'] for other names), found '1'"),
        ("$.a b", 3, "expected '.' or '[', found ' '"),
        ("$x", 1, "expected '.' or '[', found 'x'"),
        ("$[", 2, "expected a quoted name, an index or '*' after '[', found end of pattern"),
        ("$[abc]", 2, "expected a quoted name, an index or '*' after '[', found 'a'"),
        ("$[1", 3, "expected ']', found end of pattern"),
        ("$['a'", 5, "expected ']', found end of pattern"),
        ("$['a", 2, "unterminated quoted name"),
        ("$['']", 2, "empty member name"),
        ("$[01]", 2, "index has a leading zero"),
        ("$[-1]", 2, "negative indexes are not supported: a streamed array's length is unknown"),
        ("$[99999999999999999999]", 2, "index is too large"),
        ("$['a\\x']", 5, "expected an escape (\\', \\\", \\\\ or \\uXXXX), found 'x'"),
        ("$['\\ud800']", 3, "high surrogate escape without a following low surrogate"),
        ("$[*", 3, "expected ']', found end of pattern"),
    ])
    func rejectsInvalidPatterns(_ text: String, _ position: Int, _ message: String) {
        let error = #expect(throws: JSONPathError.self) { try JSONPathPattern(text) }
        #expect(error?.pattern == text)
        #expect(error?.position == position)
        #expect(error?.message == message)
    }

    @Test func errorDescriptionNamesPatternAndPosition() {
        let error = #expect(throws: JSONPathError.self) { try JSONPathPattern("$.users[") }
        #expect(error?.description
            == "invalid JSONPath \"$.users[\" at position 8: expected a quoted name, an index or '*' after '[', found end of pattern")
    }

    @Test(arguments: [
        // pattern, path, matches
        ("$", [], true),
        ("$", [.key("a")], false),
        ("$.a", [.key("a")], true),
        ("$.a", [.key("A")], false),
        ("$.a", [.key("a"), .key("b")], false),
        ("$.a.b", [.key("a"), .key("b")], true),
        ("$['a b']", [.key("a b")], true),
        ("$[\"it's\"]", [.key("it's")], true),
        ("$[1]", [.index(1)], true),
        ("$[1]", [.index(2)], false),
        ("$[1]", [.key("1")], false),
        ("$['1']", [.index(1)], false),
        ("$[*]", [.index(7)], true),
        ("$[*]", [.key("k")], true),
        ("$.*", [.index(7)], true),
        ("$.*", [], false),
        ("$..ssn", [.key("ssn")], true),
        ("$..ssn", [.key("users"), .index(3), .key("ssn")], true),
        ("$..ssn", [.key("ssn"), .key("x")], false),
        ("$..ssn", [.key("ssn"), .key("ssn")], true),
        ("$..ssn", [], false),
        ("$.users[*].email", [.key("users"), .index(0), .key("email")], true),
        ("$.users[*].email", [.key("users"), .key("x"), .key("email")], true),
        ("$.users[*].email", [.key("users"), .index(0), .key("name")], false),
        ("$.users[*].email", [.key("users"), .index(0), .key("x"), .key("email")], false),
        ("$[*].email", [.index(5), .key("email")], true),
        ("$[*].email", [.key("email")], false),
        ("$..*", [.key("a")], true),
        ("$..*", [], false),
        ("$..[*]", [.index(0), .index(1)], true),
        ("$..[0]", [.key("a"), .index(0)], true),
        ("$..[0]", [.key("a"), .index(1)], false),
        ("$.a..b", [.key("a"), .key("b")], true),
        ("$.a..b", [.key("a"), .key("x"), .index(2), .key("b")], true),
        ("$.a..b", [.key("x"), .key("b")], false),
        ("$..a..b", [.key("a"), .key("a"), .key("b")], true),
        ("$..a.b", [.key("a"), .key("a"), .key("b")], true),
        ("$..a.b", [.key("a"), .key("c"), .key("b")], false),
        ("$['\\u0065mail']", [.key("email")], true),
    ] as [(String, [JSONPathSegment], Bool)])
    func matches(_ pattern: String, _ path: [JSONPathSegment], _ expected: Bool) throws {
        #expect(try JSONPathPattern(pattern).matches(path) == expected)
    }

    @Test func recursiveDescentIsNotExponential() throws {
        // Backtracking would try every way to assign 200 levels to 20 '..'
        // steps; the automaton is one pass.
        let pattern = try JSONPathPattern("$" + String(repeating: "..a", count: 20) + "..b")
        let path = [JSONPathSegment](repeating: .key("a"), count: 200)
        #expect(!pattern.matches(path))
        #expect(pattern.matches(path + [.key("b")]))
    }

    @Test func rendersPaths() {
        #expect(JSONPathSegment.render([]) == "$")
        #expect(JSONPathSegment.render([.key("users"), .index(3), .key("email")]) == "$.users[3].email")
        #expect(JSONPathSegment.render([.key("a b")]) == "$['a b']")
        #expect(JSONPathSegment.render([.key("x-api-key")]) == "$.x-api-key")
        #expect(JSONPathSegment.render([.key("1a")]) == "$['1a']")
        #expect(JSONPathSegment.render([.key("it's\\")]) == "$['it\\'s\\\\']")
        #expect(JSONPathSegment.render([.key("")]) == "$['']")
        #expect(JSONPathSegment.render([.key("é")]) == "$['é']")
        // Control and format characters must not reach logs raw.
        #expect(JSONPathSegment.render([.key("a\nb\u{202E}c")]) == "$['a\\u000ab\\u202ec']")
    }

    @Test(arguments: [
        [JSONPathSegment.key("users"), .index(3), .key("email")],
        [.key("a b"), .key("it's"), .key("back\\slash"), .key("quote\"")],
        [.key("new\nline"), .key("rtl\u{202E}"), .key("tag\u{E0001}"), .key("😀"), .index(0)],
    ])
    func renderedPathsParseBackToMatchingPatterns(_ path: [JSONPathSegment]) throws {
        let pattern = try JSONPathPattern(JSONPathSegment.render(path))
        #expect(pattern.matches(path))
        #expect(!pattern.matches(path + [.index(0)]))
    }
}
