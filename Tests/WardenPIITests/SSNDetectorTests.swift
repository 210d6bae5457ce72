import Testing

@testable import WardenPII

@Suite struct SSNDetectorTests {
    let detector = SSNDetector()

    @Test func ssnsInRunningTextAreFound() {
        #expect(found(detector, in: "ssn 123-45-6789 on file") == ["123-45-6789"])
        #expect(found(detector, in: "123-45-6789") == ["123-45-6789"])
        #expect(found(detector, in: "a 001-01-0001, b 899-99-9999") == ["001-01-0001", "899-99-9999"])
    }

    @Test(arguments: ["000-12-3456", "666-12-3456", "123-00-6789", "123-45-0000"])
    func numbersNeverIssuedAreNotSSNs(number: String) {
        #expect(found(detector, in: "ssn \(number)").isEmpty)
    }

    /// ITINs and other taxpayer numbers in the 9xx range identify a person too (issue 10).
    @Test(arguments: ["900-70-3456", "999-99-9999", "912-94-0001"])
    func taxpayerNumbersInTheNineHundredsAreFound(number: String) {
        #expect(found(detector, in: "tin \(number)") == [number])
    }

    @Test func nineDigitsAreAnSSNOnlyInAFieldThatSaysSo() {
        #expect(SSNDetector.isUnformattedSSN(Array("123456789".utf8)))
        #expect(SSNDetector.isUnformattedSSN(Array(" 912700001 ".utf8)))
        #expect(!SSNDetector.isUnformattedSSN(Array("000456789".utf8)))
        #expect(!SSNDetector.isUnformattedSSN(Array("12345678".utf8)))
        #expect(SSNDetector.isSSNField(name: "x", source: "public.people.ssn"))
        #expect(SSNDetector.isSSNField(name: "SSN", source: ""))
        #expect(!SSNDetector.isSSNField(name: "order_id", source: "public.orders.id"))
    }

    @Test(arguments: ["123456789", "1123-45-6789", "123-45-67890", "123-45-6789-1", "x123-45-6789", "2026-11-25", "123 45 6789",
                      "1.123-45-6789"])
    func otherNumbersAreNotSSNs(text: String) {
        #expect(found(detector, in: text).isEmpty)
    }
}
