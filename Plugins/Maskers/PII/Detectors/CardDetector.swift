/// Payment card numbers: 13 to 19 digits that pass the Luhn check.
///
/// Digits may be grouped by single spaces or hyphens (`4111 1111 1111 1111`,
/// `4111-1111-1111-1111`). A run of groups longer than a card (a card number
/// followed by more numbers) is searched for the longest run of whole groups
/// that is a card; an ungrouped run of digits must be a card as a whole, so
/// part of a longer id never matches. Numbers glued to letters, or to other
/// digits by `.` or `,` (decimals, `1,234,567`), are not cards. All-same-digit
/// runs (`0000 0000 0000 0000`) pass Luhn but are placeholders, not cards.
struct CardDetector: Detector {
    static let joiners: Joiners = [.dot, .comma]

    func mayMatch(_ traits: TextTraits) -> Bool { traits.contains(.digit) }

    func spans(in text: [UInt8]) -> [Range<Int>] {
        var spans: [Range<Int>] = []
        var index = 0
        while index < text.count {
            guard ASCII.isDigit(text[index]), text.numberStarts(at: index, joiners: Self.joiners) else {
                index += 1
                continue
            }
            let groups = Self.groups(from: index, in: text)
            let runEnd = groups.last!.upperBound
            // Most numbers (ids, amounts, dates) are too short to look at further.
            if groups.reduce(0, { $0 + $1.count }) >= 13, text.numberEnds(at: runEnd, joiners: Self.joiners) {
                spans.append(contentsOf: Self.cards(in: groups, text: text))
            }
            index = runEnd
        }
        return spans
    }

    /// Digit groups from `start`, each joined to the next by one separator.
    static func groups(from start: Int, in text: [UInt8]) -> [Range<Int>] {
        var groups: [Range<Int>] = []
        var groupStart = start
        var index = start
        while true {
            while index < text.count, ASCII.isDigit(text[index]) { index += 1 }
            groups.append(groupStart..<index)
            guard index + 1 < text.count, text[index] == UInt8(ascii: " ") || text[index] == UInt8(ascii: "-"),
                  ASCII.isDigit(text[index + 1])
            else {
                return groups
            }
            index += 1
            groupStart = index
        }
    }

    /// The cards among consecutive groups, longest first from the earliest group.
    static func cards(in groups: [Range<Int>], text: [UInt8]) -> [Range<Int>] {
        var found: [Range<Int>] = []
        var first = 0
        while first < groups.count {
            var matched: Int?
            var digits = 0
            var candidates: [Int] = []
            for last in first..<groups.count {
                digits += groups[last].count
                if digits > 19 { break }
                if digits >= 13 { candidates.append(last) }
            }
            for last in candidates.reversed() where isCard(text[groups[first].lowerBound..<groups[last].upperBound]) {
                matched = last
                break
            }
            if let last = matched {
                found.append(groups[first].lowerBound..<groups[last].upperBound)
                first = last + 1
            } else {
                first += 1
            }
        }
        return found
    }

    /// Luhn check over the digits of `candidate`, separators skipped.
    static func isCard(_ candidate: ArraySlice<UInt8>) -> Bool {
        var sum = 0
        var count = 0
        var allSame = true
        var first: UInt8 = 0
        for byte in candidate.reversed() where ASCII.isDigit(byte) {
            let digit = ASCII.digitValue(byte)
            if count == 0 { first = byte } else if byte != first { allSame = false }
            if count % 2 == 1 {
                sum += digit * 2 > 9 ? digit * 2 - 9 : digit * 2
            } else {
                sum += digit
            }
            count += 1
        }
        return (13...19).contains(count) && !allSame && sum % 10 == 0
    }
}
