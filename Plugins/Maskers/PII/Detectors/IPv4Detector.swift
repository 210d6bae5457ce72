/// IPv4 addresses in dotted-quad form, each part 0–255.
///
/// A dotted quad that is part of a longer dotted number (`1.2.3.4.5`) or is
/// glued to a letter (`v1.2.3.4`) is not an address. A bare `1.2.3.4` is:
/// four numbers in range are a valid address, and a detector that guessed
/// "version" would let real addresses through. A CIDR suffix or port
/// (`10.0.0.0/8`, `10.0.0.1:5432`) is left in place; the address is masked.
struct IPv4Detector: Detector {
    static let joiners: Joiners = [.dot]

    func mayMatch(_ traits: TextTraits) -> Bool { traits.isSuperset(of: [.digit, .dot]) }

    func spans(in text: [UInt8]) -> [Range<Int>] {
        var spans: [Range<Int>] = []
        var index = 0
        while index + 7 <= text.count {
            if ASCII.isDigit(text[index]), let end = Self.address(at: index, in: text) {
                spans.append(index..<end)
                index = end
            } else {
                index += 1
            }
        }
        return spans
    }

    /// The end of a dotted quad starting at `start`.
    static func address(at start: Int, in text: [UInt8]) -> Int? {
        guard text.numberStarts(at: start, joiners: joiners) else { return nil }
        var position = start
        for part in 0..<4 {
            if part > 0 {
                guard position < text.count, text[position] == UInt8(ascii: ".") else { return nil }
                position += 1
            }
            guard let end = octet(at: position, in: text) else { return nil }
            position = end
        }
        guard text.numberEnds(at: position, joiners: joiners) else { return nil }
        return position
    }

    /// The end of one to three digits at `position` whose value is at most 255.
    static func octet(at position: Int, in text: [UInt8]) -> Int? {
        var end = position
        var value = 0
        while end < text.count, ASCII.isDigit(text[end]) {
            value = value * 10 + ASCII.digitValue(text[end])
            end += 1
            if end - position > 3 { return nil }
        }
        guard end > position, value <= 255 else { return nil }
        return end
    }
}
