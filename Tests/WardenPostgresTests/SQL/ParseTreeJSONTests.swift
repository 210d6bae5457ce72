import Testing
@testable import WardenPostgres

@Suite("Parse tree JSON")
struct ParseTreeJSONTests {
    func read(_ json: String) -> TreeValue? {
        Array(json.utf8).withUnsafeBufferPointer { try? ParseTreeJSON.read($0) }
    }

    @Test func readsObjectsInOrderArraysAndScalars() throws {
        guard case .object(let fields) = read(#"{"b": [1, -2, 3.5, "x"], "a": {"t": true, "f": false, "n": null}}"#) else {
            Issue.record("not an object")
            return
        }
        #expect(fields.map(\.key) == ["b", "a"])
        guard case .array(let items) = fields[0].value else { Issue.record("not an array"); return }
        #expect(items.count == 4)
        if case .integer(let number) = items[1] { #expect(number == -2) } else { Issue.record("not an integer") }
        if case .number(let text) = items[2] { #expect(text == "3.5") } else { Issue.record("not a number") }
    }

    @Test func decodesEscapes() {
        let value = read(#""q\" b\\ s\/ n\n t\t u\u00e9 pair\ud83d\ude00""#)
        guard case .string(let text) = value else { Issue.record("not a string"); return }
        #expect(text == "q\" b\\ s/ n\n t\t u\u{e9} pair\u{1F600}")
    }

    @Test(arguments: [#"{"a": 1"#, #"{"a" 1}"#, #"[1, 2"#, #""open"#, #""\x""#, #""\ud83d""#, "tru", "{} {}", "", "-"])
    func refusesMalformedInput(_ json: String) {
        #expect(read(json) == nil)
    }

    @Test func refusesNestingBeyondItsLimit() {
        let deep = String(repeating: "[", count: ParseTreeJSON.maximumDepth + 1) + String(repeating: "]", count: ParseTreeJSON.maximumDepth + 1)
        #expect(read(deep) == nil)
        let fine = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect(read(fine) != nil)
    }

    @Test func theParserSeesStringsAsPostgreSQLWroteThem() throws {
        // Identifiers and strings with every kind of byte survive the round trip through JSON.
        guard case .success(let statements) = PostgresParser.parse(#"SELECT * FROM "t""a\b""#),
              let table = statements.first?.nodes("fromClause").first?.relationName
        else { Issue.record("no table"); return }
        #expect(table == #"t"a\b"#)
    }
}

extension TreeValue: Equatable {
    public static func == (lhs: TreeValue, rhs: TreeValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): true
        case (.bool(let a), .bool(let b)): a == b
        case (.integer(let a), .integer(let b)): a == b
        case (.number(let a), .number(let b)), (.string(let a), .string(let b)): a == b
        case (.array(let a), .array(let b)): a == b
        case (.object(let a), .object(let b)): a.map(\.key) == b.map(\.key) && a.map(\.value) == b.map(\.value)
        default: false
        }
    }
}
