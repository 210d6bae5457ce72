import Testing
import WardenPluginSDK
@testable import AcmeMasker

@Suite struct InitialsTests {
    @Test func oneInitialPerWord() {
        #expect(Initials.of("Ada Lovelace") == "A. L.")
        #expect(Initials.of("Edsger Wybe Dijkstra") == "E. W. D.")
        #expect(Initials.of("Grace") == "G.")
    }

    @Test func spacingCaseAndNonLettersDoNotShowThrough() {
        #expect(Initials.of("  ada\t lovelace \n") == "A. L.")
        #expect(Initials.of("\"Ada\" (Countess) Lovelace") == "A. C. L.")
        #expect(Initials.of("Apt 42 & co") == "A. C.")
        #expect(Initials.of("Émilie du Châtelet") == "É. D. C.")
    }

    @Test func aValueWithoutLettersBecomesEmpty() {
        #expect(Initials.of("") == "")
        #expect(Initials.of("   ") == "")
        #expect(Initials.of("12 34") == "")
    }

    @Test func theSeparatorGoesBetweenInitials() {
        #expect(Initials.of("Ada Lovelace", separator: "") == "A.L.")
        #expect(Initials.of("Ada Lovelace", separator: " / ") == "A. / L.")
    }
}

@Suite struct InitialsMaskerTests {
    func masker(_ options: [String: String] = [:]) throws -> any Masker {
        try AcmePlugin().makeMasker(named: "initials", options: options)
    }

    @Test func masksEveryFieldItIsGivenAndLeavesNull() throws {
        let fields = [
            Field(name: "name", source: "customers.name", typeName: "text", value: "Ada Lovelace"),
            Field(name: "name", typeName: "text", value: nil),
            Field(name: "nickname", typeName: "text", value: "Grace Hopper"),
        ]
        #expect(try masker().mask(fields) == [0: "A. L.", 2: "G. H."])
    }

    @Test func reportsOnlyValuesThatChange() throws {
        let fields = [Field(name: "name", value: "A. L."), Field(name: "name", value: "Ada")]
        #expect(try masker().mask(fields) == [1: "A."])
    }

    @Test func theSeparatorOptionArrives() throws {
        #expect(try masker(["separator": ""]).mask([Field(name: "name", value: "Ada Lovelace")]) == [0: "A.L."])
    }

    @Test func aJSONFieldStaysValidJSON() throws {
        let fields = [
            Field(name: "name", typeName: "jsonb", value: "\"Ada Lovelace\""),
            Field(name: "/items/0/name", typeName: "application/json", value: "{\"first\": \"Ada\"}"),
        ]
        #expect(try masker().mask(fields) == [0: "\"A. L.\"", 1: "\"F. A.\""])
    }
}

@Suite struct AcmePluginTests {
    /// The reason the host would show the operator for `options`.
    func refusal(named name: String = "initials", _ options: [String: String] = [:]) -> String? {
        do {
            _ = try AcmePlugin().makeMasker(named: name, options: options)
            return nil
        } catch {
            return String(describing: error)
        }
    }

    @Test func manifestNamesAMaskerPlugin() {
        #expect(AcmePlugin.manifest.name == "acme")
        #expect(AcmePlugin.manifest.kind == .masker)
    }

    @Test func acceptsTheNameWithOrWithoutThePluginPrefix() {
        #expect(refusal(named: "initials") == nil)
        #expect(refusal(named: "acme.initials") == nil)
    }

    @Test func refusalsNameWhatIsWrong() {
        #expect(refusal(named: "surname") == "unknown masker 'surname'; the acme plugin has acme.initials")
        #expect(refusal(["sep": "-"]) == "acme.initials: unknown option 'sep'; acme.initials takes 'separator'")
        #expect(refusal(["detect": "email"]) == "acme.initials replaces whole values; use it in a columns rule, not a detect rule")
        #expect(refusal(["separator": "----------"])
            == "acme.initials: option 'separator' must be at most 8 characters, not '----------'")
        #expect(refusal(["separator": "\\"])
            == "acme.initials: option 'separator' may not contain quotes, backslashes or control characters")
        #expect(refusal(["separator": "\t"])
            == "acme.initials: option 'separator' may not contain quotes, backslashes or control characters")
    }
}
