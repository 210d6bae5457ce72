/// A deterministic JSON encoding, so that the same details always produce the
/// same text and therefore the same hash.
///
/// Keys are sorted by their UTF-8 bytes; there is no whitespace; only `"`,
/// `\` and control characters are escaped (the short forms `\b \f \n \r \t`,
/// otherwise `\u00XX`); everything else is written as UTF-8.
///
/// Written byte by byte: the recorder encodes several objects per statement,
/// and a general-purpose encoder would cost more than the statement.
public enum CanonicalJSON {
    /// A JSON object of string values.
    public static func object(_ values: [String: String]) -> String {
        var out = JSONBytes()
        out.object(values)
        return out.text
    }

    /// A JSON string literal, quotes included.
    public static func string(_ value: String) -> String {
        var out = JSONBytes()
        out.string(value)
        return out.text
    }
}

/// Builds canonical JSON text as UTF-8 bytes.
struct JSONBytes {
    private(set) var bytes: [UInt8] = []

    var text: String { String(decoding: bytes, as: UTF8.self) }

    mutating func raw(_ literal: StaticString) {
        literal.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    mutating func byte(_ value: UInt8) {
        bytes.append(value)
    }

    mutating func object(_ values: [String: String]) {
        let keys = values.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        byte(UInt8(ascii: "{"))
        for (index, key) in keys.enumerated() {
            if index > 0 { byte(UInt8(ascii: ",")) }
            string(key)
            byte(UInt8(ascii: ":"))
            string(values[key]!)
        }
        byte(UInt8(ascii: "}"))
    }

    mutating func string(_ value: String) {
        var value = value
        value.withUTF8 { utf8 in
            // Sized first, then written in place: a captured HTTP body is tens
            // of kilobytes, one escape every few bytes (its quotes).
            var size = utf8.count + 2
            for unit in utf8 { size += Self.escapedExtra[Int(unit)] }
            let start = bytes.count
            bytes.append(contentsOf: repeatElement(0, count: size))
            bytes.withUnsafeMutableBufferPointer { out in
                var at = start
                out[at] = UInt8(ascii: "\"")
                at += 1
                for unit in utf8 {
                    switch Self.escapedExtra[Int(unit)] {
                    case 0:
                        out[at] = unit
                        at += 1
                    case 1:
                        out[at] = UInt8(ascii: "\\")
                        out[at + 1] = Self.shortEscape(unit)
                        at += 2
                    default:
                        for (offset, byte) in "\\u00".utf8.enumerated() { out[at + offset] = byte }
                        out[at + 4] = HexDigits.lowercase[Int(unit >> 4)]
                        out[at + 5] = HexDigits.lowercase[Int(unit & 0x0F)]
                        at += 6
                    }
                }
                out[at] = UInt8(ascii: "\"")
            }
        }
    }

    /// How many bytes escaping adds to each byte: 1 for `"`, `\\` and the
    /// controls with a short form (`\\n`), 5 for the other controls (`\\u00XX`).
    private static let escapedExtra: [Int] = (0...255).map { unit in
        switch unit {
        case 0x22, 0x5C, 0x08, 0x0C, 0x0A, 0x0D, 0x09: 1
        case 0..<0x20: 5
        default: 0
        }
    }

    private static func shortEscape(_ unit: UInt8) -> UInt8 {
        switch unit {
        case 0x08: UInt8(ascii: "b")
        case 0x0C: UInt8(ascii: "f")
        case 0x0A: UInt8(ascii: "n")
        case 0x0D: UInt8(ascii: "r")
        case 0x09: UInt8(ascii: "t")
        default: unit  // `"` and `\\` follow the backslash as they are
        }
    }

    mutating func optionalString(_ value: String?) {
        if let value { string(value) } else { raw("null") }
    }
}
