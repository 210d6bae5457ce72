import Testing

@testable import WardenPII

@Suite struct CardDetectorTests {
    let detector = CardDetector()

    @Test(arguments: [
        "4111 1111 1111 1111", "4111-1111-1111-1111", "4111111111111111", "5555555555554444",
        "3782 822463 10005", "378282246310005", "6011111111111117", "4012888888881881",
    ])
    func cardsInRunningTextAreFound(card: String) {
        #expect(found(detector, in: "card \(card) on file") == [card])
        #expect(found(detector, in: card) == [card])
        #expect(found(detector, in: "(\(card)).") == [card])
    }

    @Test func aNumberFailingLuhnIsNotACard() {
        #expect(found(detector, in: "card 4111 1111 1111 1112 on file").isEmpty)
        #expect(found(detector, in: "order 1234567890123456").isEmpty)
    }

    @Test func numbersOfTheWrongLengthAreNotCards() {
        #expect(found(detector, in: "id 41111111111111111111").isEmpty)  // 20 digits
        #expect(found(detector, in: "id 411111111111").isEmpty)  // 12 digits
        #expect(found(detector, in: "on 2026-11-25 at 10:30").isEmpty)
    }

    @Test func placeholdersOfOneDigitAreNotCards() {
        #expect(found(detector, in: "0000 0000 0000 0000").isEmpty)
        #expect(found(detector, in: "0000000000000000").isEmpty)
    }

    @Test func partOfALongerTokenIsNotACard() {
        #expect(found(detector, in: "ref4111111111111111").isEmpty)
        #expect(found(detector, in: "4111111111111111x").isEmpty)
        #expect(found(detector, in: "amount 4111111111111111.50").isEmpty)
        #expect(found(detector, in: "1.4111111111111111").isEmpty)
        // An ungrouped run is a card as a whole or not at all.
        #expect(found(detector, in: "94111111111111111").isEmpty)
    }

    @Test func aCardAmongOtherGroupsOfDigitsIsFound() {
        #expect(found(detector, in: "4111 1111 1111 1111 2026") == ["4111 1111 1111 1111"])
        #expect(found(detector, in: "ref 2026 4111 1111 1111 1111") == ["4111 1111 1111 1111"])
    }

    @Test func severalCardsAreFound() {
        #expect(found(detector, in: "4111111111111111, 5555-5555-5555-4444") == ["4111111111111111", "5555-5555-5555-4444"])
    }

    @Test func luhnCheck() {
        #expect(!CardDetector.isCard(Array("79927398713".utf8)[...]))  // passes Luhn, but has 11 digits
        #expect(CardDetector.isCard(Array("4012888888881881".utf8)[...]))
        #expect(!CardDetector.isCard(Array("4012888888881882".utf8)[...]))
    }
}
