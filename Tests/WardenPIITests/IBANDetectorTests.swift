import Testing

@testable import WardenPII

@Suite struct IBANDetectorTests {
    let detector = IBANDetector()

    @Test(arguments: [
        "GB82 WEST 1234 5698 7654 32", "GB82WEST12345698765432", "DE89 3704 0044 0532 0130 00", "DE89370400440532013000",
        "NO9386011117947", "gb82west12345698765432", "FR14 2004 1010 0505 0001 3M02 606",
    ])
    func validIBANsAreFound(iban: String) {
        #expect(found(detector, in: "pay to \(iban) today") == [iban])
        #expect(found(detector, in: #"{"iban":"\#(iban)"}"#) == [iban])
    }

    @Test(arguments: ["GB83 WEST 1234 5698 7654 32", "GB82WEST12345698765433", "DE88370400440532013000", "NO9386011117948"])
    func aBadChecksumIsNotAnIBAN(iban: String) {
        #expect(found(detector, in: "pay to \(iban) today").isEmpty)
    }

    @Test func partOfALongerTokenIsNotAnIBAN() {
        #expect(found(detector, in: "XGB82WEST12345698765432").isEmpty)
        #expect(found(detector, in: "GB82WEST12345698765432X").isEmpty)
    }

    @Test func aWordAfterThePrintedFormIsNotPartOfIt() {
        #expect(found(detector, in: "IBAN DE89 3704 0044 0532 0130 00 then") == ["DE89 3704 0044 0532 0130 00"])
        #expect(found(detector, in: "GB82 WEST 1234 5698 7654 32 ABCD") == ["GB82 WEST 1234 5698 7654 32"])
    }

    @Test func tooShortOrTooLongIsNotAnIBAN() {
        #expect(!IBANDetector.isIBAN(Array("GB82WEST1234".utf8)[...]))
        #expect(!IBANDetector.isIBAN(Array(("GB82" + String(repeating: "1", count: 31)).utf8)[...]))
    }
}
