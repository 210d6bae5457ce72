import Testing

@testable import WardenPII

@Suite struct EmailDetectorTests {
    let detector = EmailDetector()

    @Test(arguments: [
        "ada@example.com", "ada.lovelace+news@mail.example.co.uk", "a_b-c%d@sub-domain.example.org", "X@EXAMPLE.COM",
    ])
    func addressesInRunningTextAreFound(address: String) {
        #expect(found(detector, in: "write to \(address) today") == [address])
        #expect(found(detector, in: "<\(address)>") == [address])
        #expect(found(detector, in: "mailto:\(address)") == [address])
        #expect(found(detector, in: "(\(address)).") == [address])
    }

    @Test func anAddressInsideJSONIsFoundWithoutItsQuotes() {
        #expect(found(detector, in: #"{"id":1,"email":"ada@example.com"}"#) == ["ada@example.com"])
        #expect(found(detector, in: #"["a@example.com","b@example.org"]"#) == ["a@example.com", "b@example.org"])
    }

    @Test func aSentenceEndIsNotPartOfTheDomain() {
        #expect(found(detector, in: "Contact ada@example.com.") == ["ada@example.com"])
    }

    @Test(arguments: [
        "ada@localhost", "@example.com", "ada@", "a@b", "ada@example.c", "ada@example.123", "user@-example.com",
        "@handle on social", "x @ y.com", "ada@.com", "ada@example..com", ".@example.com",
    ])
    func otherTextIsNotAnAddress(text: String) {
        #expect(found(detector, in: text).isEmpty)
    }

    @Test func internationalAddressesAreFoundWhole() {
        #expect(found(detector, in: "to josé@example.com now") == ["josé@example.com"])
        #expect(found(detector, in: "to ada@bücher.de now") == ["ada@bücher.de"])
        // Punctuation after the top-level label stays outside, ASCII or not.
        #expect(found(detector, in: "ada@example.com’s inbox") == ["ada@example.com"])
        #expect(found(detector, in: "«ada@example.com»") == ["ada@example.com"])
        #expect(found(detector, in: "ada@example.com2").isEmpty)
    }

    @Test func localPartsDoNotStartOrEndWithADot() {
        #expect(found(detector, in: "x .ada@example.com") == ["ada@example.com"])
        #expect(found(detector, in: "ada.@example.com").isEmpty)
    }
}
