/// The kinds of bytes a value contains, gathered in one pass.
///
/// Most values are names, amounts and dates that can hold few kinds of
/// finding or none; each detector states what its matches always contain
/// (``Detector/mayMatch(_:)``) and is skipped when that is absent, instead
/// of scanning the value again.
struct TextTraits: OptionSet, Sendable {
    let rawValue: UInt16

    static let digit = TextTraits(rawValue: 1 << 0)
    static let letter = TextTraits(rawValue: 1 << 1)
    static let at = TextTraits(rawValue: 1 << 2)
    static let colon = TextTraits(rawValue: 1 << 3)
    static let equals = TextTraits(rawValue: 1 << 4)
    static let hyphen = TextTraits(rawValue: 1 << 5)
    static let dot = TextTraits(rawValue: 1 << 6)

    init(rawValue: UInt16) { self.rawValue = rawValue }

    init(_ text: [UInt8]) {
        let table = Self.table
        var bits: UInt16 = 0
        for byte in text { bits |= table[Int(byte)] }
        self.init(rawValue: bits)
    }

    private static let table: [UInt16] = (0..<256).map { value in
        let byte = UInt8(value)
        if ASCII.isDigit(byte) { return digit.rawValue }
        if ASCII.isLetter(byte) { return letter.rawValue }
        switch byte {
        case UInt8(ascii: "@"): return at.rawValue
        case UInt8(ascii: ":"): return colon.rawValue
        case UInt8(ascii: "="): return equals.rawValue
        case UInt8(ascii: "-"): return hyphen.rawValue
        case UInt8(ascii: "."): return dot.rawValue
        default: return 0
        }
    }
}
