import Testing

@testable import WardenPII

/// Bad configuration fails at start with an error naming what is wrong.
@Suite struct OptionTests {
    @Test func anUnknownMaskerIsNamed() throws {
        let error = try #require(optionError("pii.scramble", [:]))
        #expect(error.option == nil)
        #expect(error.description.contains("unknown masker 'pii.scramble'"))
        #expect(error.description.contains("pii.redact"))
    }

    @Test func anUnknownOptionIsNamed() throws {
        let error = try #require(optionError("pii.partial", ["kepp": "2"]))
        #expect(error.option == "kepp")
        #expect(error.description.hasPrefix("pii.partial: option 'kepp' is not an option of pii.partial"))
        #expect(optionError("pii.redact", ["keep": "2"])?.option == "keep")
        #expect(optionError("pii.email", ["key_env": "K"])?.option == "key_env")
    }

    @Test(arguments: ["-1", "x", "", "2.5", "1001"])
    func aBadKeepIsNamed(keep: String) throws {
        let error = try #require(optionError("pii.partial", ["keep": keep]))
        #expect(error.option == "keep")
        #expect(error.description.contains("'\(keep)'"))
    }

    @Test(arguments: ["", "**", "\""])
    func aBadMaskCharacterIsNamed(character: String) {
        #expect(optionError("pii.partial", ["mask_char": character])?.option == "mask_char")
    }

    @Test(arguments: ["\"", "a\\b", "line\nbreak"])
    func aReplacementThatWouldBreakJSONIsRefused(replacement: String) {
        #expect(optionError("pii.redact", ["replacement": replacement])?.option == "replacement")
        #expect(optionError("pii.email", ["replacement": replacement])?.option == "replacement")
    }

    @Test func anUnknownDetectorIsNamed() throws {
        let error = try #require(optionError("pii.redact", ["detect": "card, passport"]))
        #expect(error.option == "detect")
        #expect(error.description.contains("'passport'"))
        #expect(error.description.contains("email, card, phone, ssn, iban, ip, secret, all"))
    }

    @Test func anEmptyDetectorListIsRefused() {
        #expect(optionError("pii.redact", ["detect": ""])?.option == "detect")
        #expect(optionError("pii.redact", ["detect": "card,,email"])?.option == "detect")
    }

    @Test func detectorNamesIgnoreCaseAndSpaces() throws {
        #expect(try DetectorKind.parse(list: " Card , EMAIL ") == [.email, .card])
        #expect(try DetectorKind.parse(list: "all") == DetectorKind.allCases)
        #expect(try DetectorKind.parse(list: "ip,all") == DetectorKind.allCases)
    }

    @Test func detectMakesADetectingMasker() throws {
        #expect(try masker("pii.redact", ["detect": "card"]) is DetectingMasker)
        #expect(try masker("pii.redact") is WholeValueMasker)
    }

    @Test func hashNeedsAKey() throws {
        let error = try #require(optionError("pii.hash", [:]))
        #expect(error.option == "key_env")
        #expect(error.description.contains("'key_file'"))
    }

    @Test func hashTakesOneKeySource() {
        #expect(optionError("pii.hash", ["key_env": "K", "key_file": "/k"], keys: ["K": testKey])?.option == "key_env")
    }

    @Test func anUnsetKeyVariableIsNamed() throws {
        let error = try #require(optionError("pii.hash", ["key_env": "WARDEN_PII_NOT_SET"]))
        #expect(error.option == "key_env")
        #expect(error.description.contains("'WARDEN_PII_NOT_SET'"))
        #expect(error.description.contains("not set"))
    }

    @Test func anEmptyKeyIsRefused() throws {
        let error = try #require(optionError("pii.hash", ["key_env": "K"], keys: ["K": ""]))
        #expect(error.description.contains("'K', which is empty"))
        #expect(optionError("pii.hash", ["key_env": " "])?.option == "key_env")
        #expect(optionError("pii.hash", ["key_file": ""])?.option == "key_file")
    }

    @Test func aShortKeyIsRefusedWithoutShowingIt() throws {
        let error = try #require(optionError("pii.hash", ["key_env": "K"], keys: ["K": "hunter2"]))
        #expect(error.option == "key_env")
        #expect(error.description.contains("at least 16"))
        #expect(!error.description.contains("hunter2"))
    }

    @Test func anUnreadableKeyFileIsNamed() throws {
        let error = try #require(optionError("pii.hash", ["key_file": "/nonexistent/warden-pii.key"]))
        #expect(error.option == "key_file")
        #expect(error.description.contains("'/nonexistent/warden-pii.key'"))
    }
}
