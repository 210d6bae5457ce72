/// A deterministic JSON encoding, so that the same details always produce the
/// same text and therefore the same hash.
///
/// Keys are sorted by their UTF-8 bytes; there is no whitespace; only `"`,
/// `\` and control characters are escaped (the short forms `\b \f \n \r \t`,
/// otherwise `\u00XX`); everything else is written as UTF-8.
public enum CanonicalJSON {
    /// A JSON object of string values.
    public static func object(_ values: [String: String]) -> String {
        let keys = values.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        let members = keys.map { "\(string($0)):\(string(values[$0]!))" }
        return "{" + members.joined(separator: ",") + "}"
    }

    /// A JSON string literal, quotes included.
    public static func string(_ value: String) -> String {
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
