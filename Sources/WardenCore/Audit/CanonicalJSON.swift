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
        byte(UInt8(ascii: "\""))
        var value = value
        value.withUTF8 { utf8 in
            bytes.reserveCapacity(bytes.count + utf8.count + 1)
            // Runs that need no escaping, the bulk of any text, are copied whole.
            var runStart = 0
            for (index, unit) in utf8.enumerated() where unit < 0x20 || unit == UInt8(ascii: "\"") || unit == UInt8(ascii: "\\") {
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<index]))
                escape(unit)
                runStart = index + 1
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart...]))
        }
        byte(UInt8(ascii: "\""))
    }

    /// `"`, `\` or a control character, escaped.
    private mutating func escape(_ unit: UInt8) {
        switch unit {
        case UInt8(ascii: "\""): raw("\\\"")
        case UInt8(ascii: "\\"): raw("\\\\")
        case 0x08: raw("\\b")
        case 0x0C: raw("\\f")
        case UInt8(ascii: "\n"): raw("\\n")
        case UInt8(ascii: "\r"): raw("\\r")
        case UInt8(ascii: "\t"): raw("\\t")
        default:
            raw("\\u00")
            byte(HexDigits.lowercase[Int(unit >> 4)])
            byte(HexDigits.lowercase[Int(unit & 0x0F)])
        }
    }

    mutating func optionalString(_ value: String?) {
        if let value { string(value) } else { raw("null") }
    }
}
