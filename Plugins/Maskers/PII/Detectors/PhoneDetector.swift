/// Telephone numbers in the forms people write them.
///
/// - International: `+` and 7 to 15 digits (E.164), in groups joined by a
///   single space, hyphen or dot, with an optional parenthesized group:
///   `+14155550123`, `+44 20 7946 0958`, `+1 (415) 555-0123`.
/// - North American: `(415) 555-0123`, `415-555-0123`, `415.555.0123`,
///   `415 555 0123`, optionally after `1-` or `1 `. Area code and exchange
///   start with 2–9, and the two separators match unless the area code is
///   parenthesized.
///
/// Plain digit strings without `+` (`4155550123`), short local numbers
/// (`555-0123`) and dates (`2026-11-25`, `25.11.2026`) are not phone
/// numbers: they are too easily ids, amounts or times.
struct PhoneDetector: Detector {
    static let joiners: Joiners = [.dot, .hyphen]

    func mayMatch(_ traits: TextTraits) -> Bool { traits.contains(.digit) }

    func spans(in text: [UInt8]) -> [Range<Int>] {
        var spans: [Range<Int>] = []
        var index = 0
        while index < text.count {
            let byte = text[index]
            let match: Int?
            if byte == UInt8(ascii: "+") {
                match = Self.international(at: index, in: text)
            } else if ASCII.isDigit(byte) || byte == UInt8(ascii: "(") {
                match = Self.northAmerican(at: index, in: text)
            } else {
                match = nil
            }
            if let end = match {
                spans.append(index..<end)
                index = end
            } else {
                index += 1
            }
        }
        return spans
    }

    /// The end of an E.164-style number whose `+` is at `plus`.
    static func international(at plus: Int, in text: [UInt8]) -> Int? {
        guard text.wordStarts(at: plus), plus + 1 < text.count,
              ASCII.isDigit(text[plus + 1]), text[plus + 1] != UInt8(ascii: "0")
        else { return nil }
        // Where each group ends, with the digits counted up to there.
        var ends: [(end: Int, digits: Int)] = []
        var digits = 0
        var position = plus + 1
        while position < text.count {
            if ASCII.isDigit(text[position]) {
                while position < text.count, ASCII.isDigit(text[position]) {
                    position += 1
                    digits += 1
                }
            } else if let close = parenthesized(at: position, in: text, digits: 1...4) {
                digits += close - position - 2
                position = close
            } else {
                break
            }
            ends.append((position, digits))
            guard position < text.count else { break }
            let next = position + 1 < text.count ? text[position + 1] : 0
            if isSeparator(text[position]), ASCII.isDigit(next) || next == UInt8(ascii: "(") {
                position += 1
            } else if text[position] != UInt8(ascii: "(") {
                break
            }
        }
        // Glued to a letter or continued by more digits: not a number on its own.
        guard let runEnd = ends.last?.end, text.numberEnds(at: runEnd, joiners: joiners) else { return nil }
        // A number followed by more groups of digits: the longest prefix that fits E.164.
        return ends.last { (7...15).contains($0.digits) }?.end
    }

    /// The end of a North American number starting at `start`.
    static func northAmerican(at start: Int, in text: [UInt8]) -> Int? {
        guard text.numberStarts(at: start, joiners: joiners),
              start == 0 || text[start - 1] != UInt8(ascii: "+")
        else { return nil }
        var position = start
        // Optional country code 1.
        if text.hasPrefix([UInt8(ascii: "1")], at: position), position + 2 < text.count,
           isSeparator(text[position + 1]),
           ASCII.isDigit(text[position + 2]) || text[position + 2] == UInt8(ascii: "(") {
            position += 2
        }
        var areaSeparator: UInt8?
        if let close = parenthesized(at: position, in: text, digits: 3...3) {
            guard isLeadingDigit(text[position + 1]) else { return nil }
            position = close
            if position < text.count, text[position] == UInt8(ascii: " ") || text[position] == UInt8(ascii: "-") {
                position += 1
            }
        } else {
            guard let afterArea = digits(3, at: position, in: text), isLeadingDigit(text[position]),
                  afterArea < text.count, isSeparator(text[afterArea])
            else { return nil }
            areaSeparator = text[afterArea]
            position = afterArea + 1
        }
        guard let afterExchange = digits(3, at: position, in: text), isLeadingDigit(text[position]),
              afterExchange < text.count, isSeparator(text[afterExchange]),
              areaSeparator == nil || areaSeparator == text[afterExchange],
              let end = digits(4, at: afterExchange + 1, in: text),
              text.numberEnds(at: end, joiners: joiners)
        else { return nil }
        return end
    }

    /// The end of exactly `count` digits at `position`, not followed by another digit.
    private static func digits(_ count: Int, at position: Int, in text: [UInt8]) -> Int? {
        guard position + count <= text.count else { return nil }
        for offset in 0..<count where !ASCII.isDigit(text[position + offset]) { return nil }
        guard position + count == text.count || !ASCII.isDigit(text[position + count]) else { return nil }
        return position + count
    }

    /// The end (after `)`) of a parenthesized group of digits at `position`.
    private static func parenthesized(at position: Int, in text: [UInt8], digits allowed: ClosedRange<Int>) -> Int? {
        guard position < text.count, text[position] == UInt8(ascii: "(") else { return nil }
        var close = position + 1
        while close < text.count, ASCII.isDigit(text[close]) { close += 1 }
        guard allowed.contains(close - position - 1), close < text.count, text[close] == UInt8(ascii: ")") else { return nil }
        return close + 1
    }

    private static func isSeparator(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
    }

    private static func isLeadingDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "2") && byte <= UInt8(ascii: "9") }
}
