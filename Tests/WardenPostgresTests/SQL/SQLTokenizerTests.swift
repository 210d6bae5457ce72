import Testing
@testable import WardenPostgres

@Suite("SQL tokenizer")
struct SQLTokenizerTests {
    private func tokens(_ sql: String, standardConformingStrings: Bool = true) throws -> [SQLToken] {
        try SQLTokenizer(standardConformingStrings: standardConformingStrings).tokenize(sql)
    }

    private func lexError(_ sql: String, standardConformingStrings: Bool = true) -> SQLLexError? {
        do {
            _ = try SQLTokenizer(standardConformingStrings: standardConformingStrings).tokenize(sql)
            return nil
        } catch {
            return error
        }
    }

    @Test func classifiesEveryKindOfToken() throws {
        let result = try tokens("SELECT \"Col\", 'a', $1, 1.5e3, x::int <> y; t.c[1]")
        #expect(result.map(\.kind) == [
            .word, .quotedIdentifier, .punctuation, .string(.standard), .punctuation, .parameter, .punctuation,
            .number, .punctuation, .word, .punctuation, .word, .operator, .word, .punctuation,
            .word, .punctuation, .word, .punctuation, .number, .punctuation,
        ])
        #expect(result.map(\.text) == [
            "SELECT", "\"Col\"", ",", "'a'", ",", "$1", ",", "1.5e3", ",", "x", "::", "int", "<>", "y", ";",
            "t", ".", "c", "[", "1", "]",
        ])
    }

    @Test func foldsUnquotedWordsButKeepsQuotedIdentifiersExact() throws {
        let result = try tokens("SeLeCt \"SeLeCt\" \"a\"\"b\" ÉTÉ")
        #expect(result.map(\.value) == ["select", "SeLeCt", "a\"b", "ÉtÉ"])
        #expect(result[0].text == "SeLeCt")
        #expect(result[0].isWord("select"))
        #expect(!result[1].isWord("select"))
    }

    @Test func keepsTextRangesIncludingAfterMultibyteCharacters() throws {
        let sql = "SELECT 'héllo', ñame /* ✓ */ FROM \"tâble\""
        let result = try tokens(sql)
        for token in result {
            #expect(String(sql[token.range]) == token.text)
        }
        #expect(result.map(\.text) == ["SELECT", "'héllo'", ",", "ñame", "FROM", "\"tâble\""])
        #expect(result[1].value == "héllo")
    }

    @Test func skipsLineAndNestedBlockComments() throws {
        #expect(try tokens("/* a /* b */ still comment */ x -- y\n z").map(\.text) == ["x", "z"])
        #expect(try tokens("a/**/b").map(\.text) == ["a", "b"])
        #expect(try tokens("a /*/ */ b").map(\.text) == ["a", "b"])
        // A lone \r ends a line comment, as in PostgreSQL.
        #expect(try tokens("a -- c\rb").map(\.text) == ["a", "b"])
    }

    @Test func decodesEscapeStrings() throws {
        let result = try tokens(#"E'\x41\101\u0041\U00000041\t\\\''''"#)
        #expect(result.count == 1)
        #expect(result[0].kind == .string(.escape))
        #expect(result[0].value == "AAAA\t\\''")
        #expect(try tokens(#"e'\uD83D\uDE00'"#)[0].value == "😀")
    }

    @Test func backslashesAreDataInStandardStringsUnlessTheSettingIsOff() throws {
        let standard = try tokens(#"'a\' x"#)
        #expect(standard.map(\.text) == [#"'a\'"#, "x"])
        #expect(standard[0].value == #"a\"#)
        let legacy = try tokens(#"'a\'b'"#, standardConformingStrings: false)
        #expect(legacy.count == 1)
        #expect(legacy[0].value == "a'b")
    }

    @Test func decodesUnicodeStringsAndIdentifiers() throws {
        #expect(try tokens(#"U&'d\0061t\+000061'"#).map(\.value) == ["data"])
        let custom = try tokens("u&\"d!0061t!!a\" UESCAPE '!' x")
        #expect(custom.map(\.kind) == [.quotedIdentifier, .word])
        #expect(custom[0].value == "dat!a")
        #expect(custom[0].text == "u&\"d!0061t!!a\" UESCAPE '!'")
        // Without a quote right after it, U& is an identifier and an operator.
        #expect(try tokens("U & 'x'").map(\.kind) == [.word, .operator, .string(.standard)])
    }

    @Test func recognizesPrefixesOnlyAtTheStartOfAWord() throws {
        #expect(try tokens("B'101' X'1F' N'n'").map(\.kind) == [.string(.bit), .string(.hex), .string(.national)])
        #expect(try tokens("abcE'x'").map(\.kind) == [.word, .string(.standard)])
    }

    @Test func joinsContinuedStringsAndKeepsTheirEscapingRules() throws {
        let continued = try tokens("'a' -- note\n  'b' x")
        #expect(continued.map(\.text) == ["'a' 'b'", "x"])
        #expect(continued[0].value == "ab")
        // Without a newline in between they stay two constants.
        #expect(try tokens("'a' 'b'").count == 2)
        let escaped = try tokens("E'a'\n'\\'; DROP' x")
        #expect(escaped.map(\.kind) == [.string(.escape), .word])
        #expect(escaped[0].value == "a'; DROP")
    }

    @Test func lexesDollarQuotesAndTellsThemFromIdentifiersAndParameters() throws {
        let quoted = try tokens("$f$ it's $$ not $F$ the end $f$ x")
        #expect(quoted.map(\.kind) == [.string(.dollar), .word])
        #expect(quoted[0].value == " it's $$ not $F$ the end ")
        #expect(try tokens("foo$$bar").map(\.kind) == [.word])
        #expect(try tokens("$12").map(\.kind) == [.parameter])
        #expect(try tokens("$ 1").map(\.kind) == [.other, .number])
    }

    @Test func splitsOperatorsLikePostgreSQL() throws {
        #expect(try tokens("a=-1").map(\.text) == ["a", "=", "-", "1"])
        #expect(try tokens("a@-1").map(\.text) == ["a", "@-", "1"])
        #expect(try tokens("a<--c\nb").map(\.text) == ["a", "<", "b"])
        #expect(try tokens("a+/*c*/b").map(\.text) == ["a", "+", "b"])
        #expect(try tokens("x->>'k'").map(\.text) == ["x", "->>", "'k'"])
    }

    @Test func lexesNumbers() throws {
        let result = try tokens("0x1F 1_000 .5 1.5E-3 1..5")
        #expect(result.map(\.text) == ["0x1F", "1_000", ".5", "1.5E-3", "1", "..", "5"])
    }

    @Test func reportsUnterminatedConstructsWithTheirOffsets() {
        #expect(lexError("SELECT 'abc") == SQLLexError(reason: .unterminatedString, offset: 7))
        #expect(lexError("SELECT E'abc\\'") == SQLLexError(reason: .unterminatedString, offset: 7))
        #expect(lexError("SELECT \"abc") == SQLLexError(reason: .unterminatedQuotedIdentifier, offset: 7))
        #expect(lexError("x /* /* */") == SQLLexError(reason: .unterminatedBlockComment, offset: 2))
        #expect(lexError("SELECT $a$ x $A$") == SQLLexError(reason: .unterminatedDollarQuote, offset: 7))
        #expect(lexError("SELECT \"\"") == SQLLexError(reason: .zeroLengthIdentifier, offset: 7))
        #expect(lexError("SELECT U&'\\00'") == SQLLexError(reason: .invalidUnicodeEscape, offset: 7))
        #expect(lexError("SELECT U&'x' UESCAPE 'a'") == SQLLexError(reason: .invalidUnicodeEscape, offset: 13))
        #expect(lexError("SELECT U&'x'", standardConformingStrings: false)
            == SQLLexError(reason: .unicodeStringWithoutStandardStrings, offset: 7))
        #expect(lexError("SELECT 'ok' /* fine */") == nil)
    }
}
