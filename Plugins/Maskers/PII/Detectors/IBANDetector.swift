/// International bank account numbers (ISO 13616) that pass the mod-97 check.
///
/// Two letters (the country), two check digits, then 11 to 30 letters or
/// digits: 15 to 34 characters, written compact (`GB82WEST12345698765432`)
/// or in the printed form with a single space after every four characters
/// (`GB82 WEST 1234 5698 7654 32`). Letters may be in either case. The check
/// digits make a random match unlikely (1 in 97), and the candidate must be a
/// word of its own, so it is not matched inside a longer token.
struct IBANDetector: Detector {
    func mayMatch(_ traits: TextTraits) -> Bool { traits.isSuperset(of: [.digit, .letter]) }

    func spans(in text: [UInt8]) -> [Range<Int>] {
        var spans: [Range<Int>] = []
        var index = 0
        while index + 15 <= text.count {
            if ASCII.isLetter(text[index]), ASCII.isLetter(text[index + 1]),
               ASCII.isDigit(text[index + 2]), ASCII.isDigit(text[index + 3]),
               text.wordStarts(at: index),
               let end = Self.end(from: index, in: text) {
                spans.append(index..<end)
                index = end
            } else {
                index += 1
            }
        }
        return spans
    }

    /// The longest run of characters from `start` that is a valid IBAN.
    static func end(from start: Int, in text: [UInt8]) -> Int? {
        // Possible ends: the end of a compact run, or the end of each group of
        // four in the printed form (a following word may be glued by a space).
        var ends: [Int] = []
        var position = start
        var groupLength = 0
        while position < text.count {
            let byte = text[position]
            if ASCII.isAlnum(byte) {
                position += 1
                groupLength += 1
                continue
            }
            ends.append(position)
            guard byte == UInt8(ascii: " "), groupLength == 4, position + 1 < text.count,
                  ASCII.isAlnum(text[position + 1])
            else { break }
            groupLength = 0
            position += 1
        }
        if position == text.count { ends.append(position) }
        for end in ends.reversed() where text.wordEnds(at: end) && isIBAN(text[start..<end]) {
            return end
        }
        return nil
    }

    /// Length and mod-97 check, spaces ignored.
    static func isIBAN(_ candidate: ArraySlice<UInt8>) -> Bool {
        let characters = candidate.filter { $0 != UInt8(ascii: " ") }.map(ASCII.lowercased)
        guard (15...34).contains(characters.count) else { return false }
        // Move the country and check digits to the end; letters count as 10–35.
        var remainder = 0
        for byte in characters[4...] + characters[..<4] {
            if ASCII.isDigit(byte) {
                remainder = (remainder * 10 + ASCII.digitValue(byte)) % 97
            } else {
                remainder = (remainder * 100 + Int(byte - UInt8(ascii: "a")) + 10) % 97
            }
        }
        return remainder == 1
    }
}
