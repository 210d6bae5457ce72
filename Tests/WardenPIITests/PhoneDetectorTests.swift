import Testing

@testable import WardenPII

@Suite struct PhoneDetectorTests {
    let detector = PhoneDetector()

    @Test(arguments: [
        "+14155550123", "+1 415 555 0123", "+1 (415) 555-0123", "+1-415-555-0123", "+44 20 7946 0958",
        "+49 30 1234567", "+33 1 23 45 67 89", "+61.2.9876.5432",
        "(415) 555-0123", "(415)555-0123", "415-555-0123", "415.555.0123", "415 555 0123", "1-800-555-0199",
    ])
    func phoneNumbersInRunningTextAreFound(phone: String) {
        #expect(found(detector, in: "call \(phone) today") == [phone])
        #expect(found(detector, in: "tel:\(phone)") == [phone])
        #expect(found(detector, in: phone) == [phone])
    }

    @Test(arguments: [
        "2026-11-25", "25.11.2026", "11/25/2026", "10:30:45", "555-0123", "4155550123", "call 42", "+12 points",
        "1.2.3.4", "415-555.0123", "123-456-7890", "415-155-0123", "+1 415", "415-555-01234", "x415-555-0123",
        "1.415.555.0123.7",
    ])
    func otherNumbersAreNotPhoneNumbers(text: String) {
        #expect(found(detector, in: text).isEmpty)
    }

    @Test func aNumberFollowedByMoreDigitsKeepsToE164Length() {
        // 19 digits in groups: the longest prefix of whole groups with at most 15 digits.
        #expect(found(detector, in: "+1 415 555 0123 2026 11 25") == ["+1 415 555 0123 2026"])
    }

    @Test func severalNumbersAreFound() {
        #expect(found(detector, in: "home (415) 555-0123, work +44 20 7946 0958.") == ["(415) 555-0123", "+44 20 7946 0958"])
    }
}
