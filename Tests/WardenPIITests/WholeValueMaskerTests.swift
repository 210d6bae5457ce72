import Testing
import WardenPluginSDK

@testable import WardenPII

/// Column rules: each style on whole values.
@Suite struct WholeValueMaskerTests {
    @Test func redactReplacesEveryValueWithTheDefault() throws {
        let redact = try masker("pii.redact")
        #expect(redact.mask("Ada Lovelace") == "****")
        #expect(redact.mask("") == "****")
    }

    @Test func redactUsesTheConfiguredReplacement() throws {
        #expect(try masker("pii.redact", ["replacement": "[redacted]"]).mask("secret") == "[redacted]")
        #expect(try masker("pii.redact", ["replacement": ""]).mask("secret") == "")
    }

    @Test func nullFieldsAreNeverReturned() throws {
        let fields = [
            Field(name: "a", value: nil),
            Field(name: "b", value: "x"),
            Field(name: "c", value: nil),
        ]
        for name in ["pii.redact", "pii.partial", "pii.email"] {
            #expect(try masker(name).mask(fields).keys.sorted() == [1])
        }
        #expect(try masker("pii.hash", ["key_env": "K"], keys: ["K": testKey]).mask(fields).keys.sorted() == [1])
    }

    @Test func everyNonNullFieldOfTheBatchIsMasked() throws {
        let fields = ["ada", "bob", "carol"].map { Field(name: "n", value: $0) }
        #expect(try masker("pii.redact").mask(fields) == [0: "****", 1: "****", 2: "****"])
    }

    @Test func partialKeepsTheLastCharacters() throws {
        let partial = try masker("pii.partial")
        #expect(partial.mask("4111111111111111") == "************1111")
        #expect(partial.mask("+1 415 555 0123") == "***********0123")
        #expect(try masker("pii.partial", ["keep": "2", "mask_char": "x"]).mask("123-45-6789") == "xxxxxxxxx89")
        #expect(try masker("pii.partial", ["keep": "0"]).mask("abc") == "***")
    }

    @Test func partialMasksAValueNoLongerThanKeepEntirely() throws {
        let partial = try masker("pii.partial", ["keep": "4"])
        #expect(partial.mask("1234") == "****")
        #expect(partial.mask("12") == "**")
        #expect(partial.mask("") == "")
    }

    @Test func partialCountsCharactersNotBytes() throws {
        #expect(try masker("pii.partial", ["keep": "2"]).mask("Zoë Ångström") == "**********öm")
    }

    @Test func emailKeepsTheDomain() throws {
        let email = try masker("pii.email")
        #expect(email.mask("ada@example.com") == "****@example.com")
        #expect(email.mask("ada.lovelace+news@mail.example.co.uk") == "****@mail.example.co.uk")
        #expect(try masker("pii.email", ["replacement": "xxx"]).mask("ada@example.com") == "xxx@example.com")
        #expect(email.mask("josé@bücher.de") == "****@bücher.de")
    }

    @Test func emailRedactsAnythingThatIsNotOneAddress() throws {
        let email = try masker("pii.email")
        #expect(email.mask("Ada Lovelace") == "****")
        #expect(email.mask("ada@localhost") == "****")
        #expect(email.mask("Ada <ada@example.com>") == "****")
        #expect(email.mask(" ada@example.com") == "****")
        #expect(email.mask("a@example.com, b@example.com") == "****")
    }

    @Test func hashIsAKeyedDigest() throws {
        let hash = try masker("pii.hash", ["key_env": "K"], keys: ["K": testKey])
        let value = try #require(hash.mask("ada@example.com"))
        #expect(value.hasPrefix("h:"))
        #expect(value.count == 18)
        #expect(value.dropFirst(2).allSatisfy { $0.isHexDigit && !$0.isUppercase })
        #expect(hash.mask("ada@example.com") == value)
        #expect(hash.mask("bob@example.com") != value)
    }

    @Test func hashIsHMACSHA256() {
        // RFC 4231-style known answer: HMAC-SHA256("key", "The quick brown fox jumps over the lazy dog").
        let digest = HMACDigest(key: Array("key".utf8))
        #expect(digest.token(for: "The quick brown fox jumps over the lazy dog") == "h:f7bc83f430538424")
    }

    @Test func theNameWorksWithoutThePluginPrefix() throws {
        #expect(try masker("redact").mask("x") == "****")
        #expect(try masker("partial").mask("123456") == "**3456")
    }

    @Test func aJSONFieldStaysJSON() throws {
        let redact = try masker("pii.redact")
        #expect(redact.mask(#"{"a":1}"#, typeName: "json") == #""****""#)
        #expect(redact.mask(#"{"a":1}"#, typeName: "application/json") == #""****""#)
        // Kept characters are escaped inside the new string.
        #expect(try masker("pii.partial", ["keep": "3"]).mask(#"{"a":1}"#, typeName: "jsonb") == #""****:1}""#)
        #expect(try masker("pii.partial", ["keep": "3"]).mask(#"["a"]"#, typeName: "jsonb") == #""**a\"]""#)
    }
}
