// Byte classes for the detectors. Every detector works on UTF-8 bytes, and
// every span edge falls between whole characters (detectors step over
// non-ASCII characters whole), so the text around a span stays valid UTF-8.

enum ASCII {
    static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
    static func isUpper(_ byte: UInt8) -> Bool { byte >= 0x41 && byte <= 0x5A }
    static func isLower(_ byte: UInt8) -> Bool { byte >= 0x61 && byte <= 0x7A }
    static func isLetter(_ byte: UInt8) -> Bool { isUpper(byte) || isLower(byte) }
    static func isAlnum(_ byte: UInt8) -> Bool { isDigit(byte) || isLetter(byte) }
    static func isHexDigit(_ byte: UInt8) -> Bool {
        isDigit(byte) || (byte >= 0x41 && byte <= 0x46) || (byte >= 0x61 && byte <= 0x66)
    }
    /// The base64url alphabet that tokens and JWT segments use.
    static func isTokenByte(_ byte: UInt8) -> Bool { isAlnum(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_") }
    static func lowercased(_ byte: UInt8) -> UInt8 { isUpper(byte) ? byte + 0x20 : byte }
    static func digitValue(_ byte: UInt8) -> Int { Int(byte) - 0x30 }
}

/// Punctuation that joins digits into one number (`1.5`, `1,000`, `12-34`).
/// A set of bits rather than an array: it is checked at every digit.
struct Joiners: OptionSet, Sendable {
    let rawValue: UInt8
    static let dot = Joiners(rawValue: 1)
    static let comma = Joiners(rawValue: 2)
    static let hyphen = Joiners(rawValue: 4)

    func contains(byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "."): contains(.dot)
        case UInt8(ascii: ","): contains(.comma)
        case UInt8(ascii: "-"): contains(.hyphen)
        default: false
        }
    }
}

extension [UInt8] {
    /// True when `bytes` occur at `index`, comparing ASCII letters without case.
    func hasPrefixIgnoringCase(_ bytes: [UInt8], at index: Int) -> Bool {
        guard index >= 0, index + bytes.count <= count else { return false }
        for offset in 0..<bytes.count where ASCII.lowercased(self[index + offset]) != ASCII.lowercased(bytes[offset]) {
            return false
        }
        return true
    }

    /// True when `bytes` occur at `index` exactly.
    func hasPrefix(_ bytes: [UInt8], at index: Int) -> Bool {
        guard index >= 0, index + bytes.count <= count else { return false }
        for offset in 0..<bytes.count where self[index + offset] != bytes[offset] { return false }
        return true
    }

    /// Whether a number may start at `index`: no letter or digit right before
    /// it, and not continuing a number through one of `joiners` (so `2.5` in
    /// `1.2.5` or `45` in `123-45` is not a number of its own).
    func numberStarts(at index: Int, joiners: Joiners = []) -> Bool {
        guard index > 0 else { return true }
        let before = self[index - 1]
        if ASCII.isAlnum(before) { return false }
        if joiners.contains(byte: before), index >= 2, ASCII.isDigit(self[index - 2]) { return false }
        return true
    }

    /// Whether a number may end at `end` (exclusive): the mirror of
    /// ``numberStarts(at:joiners:)``.
    func numberEnds(at end: Int, joiners: Joiners = []) -> Bool {
        guard end < count else { return true }
        let after = self[end]
        if ASCII.isAlnum(after) { return false }
        if joiners.contains(byte: after), end + 1 < count, ASCII.isDigit(self[end + 1]) { return false }
        return true
    }

    /// Whether a word may start at `index` / end at `end`: no letter or digit
    /// touches it, so `xAKIA…` or `ghp_…z9` inside a longer word is not a match.
    func wordStarts(at index: Int) -> Bool { index == 0 || !ASCII.isAlnum(self[index - 1]) }
    func wordEnds(at end: Int) -> Bool { end >= count || !ASCII.isAlnum(self[end]) }

    /// The first byte of the non-ASCII letter or digit that ends just before
    /// `end`, or nil if the character there is not one (or not valid UTF-8).
    func letterStart(before end: Int) -> Int? {
        var start = end - 1
        while start > 0, end - start < 4, self[start] & 0xC0 == 0x80 { start -= 1 }
        return isLetter(start..<end) ? start : nil
    }

    /// The end of the non-ASCII letter or digit that starts at `start`, or nil.
    func letterEnd(from start: Int) -> Int? {
        let lead = self[start]
        let length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1
        guard start + length <= count else { return nil }
        return isLetter(start..<start + length) ? start + length : nil
    }

    /// Whether `range` is exactly one UTF-8 encoded letter or digit.
    private func isLetter(_ range: Range<Int>) -> Bool {
        var bytes = self[range].makeIterator()
        var decoder = UTF8()
        guard case .scalarValue(let scalar) = decoder.decode(&bytes), bytes.next() == nil else { return false }
        return scalar.properties.isAlphabetic || scalar.properties.numericType != nil
    }
}
