/// A strict reader for the admin API's request bodies: one JSON object whose
/// values are all strings, such as `{"for": "15m"}`.
///
/// Stricter than `JSONDecoder` on purpose. A general decoder takes one of two
/// equal keys (`{"for": "1m", "for": "999d"}`, or the same name spelled with
/// an escape, `"f\u006fr"`) without saying which, so a proxy that checks the
/// body and the gateway that acts on it could read two different requests.
/// Here a repeated key, a value that is not a string, an unpaired surrogate
/// or anything after the object is an error.
struct FlatJSONObject {
    enum Problem: Error, Equatable {
        case malformed
        case duplicateKey(String)
        case notText(key: String)
    }

    /// The object's keys and values in the order sent.
    private(set) var members: [(key: String, value: String)] = []

    subscript(key: String) -> String? {
        members.first { $0.key == key }?.value
    }

    var keys: [String] { members.map(\.key) }

    init(parsing bytes: [UInt8]) throws(Problem) {
        var reader = Reader(bytes: bytes)
        reader.skipSpace()
        try reader.expect(UInt8(ascii: "{"))
        reader.skipSpace()
        if reader.peek() == UInt8(ascii: "}") {
            reader.index += 1
        } else {
            while true {
                reader.skipSpace()
                let key = try reader.string()
                guard !members.contains(where: { $0.key == key }) else { throw .duplicateKey(key) }
                reader.skipSpace()
                try reader.expect(UInt8(ascii: ":"))
                reader.skipSpace()
                guard reader.peek() == UInt8(ascii: "\"") else { throw .notText(key: key) }
                members.append((key, try reader.string()))
                reader.skipSpace()
                if reader.peek() == UInt8(ascii: ",") {
                    reader.index += 1
                    continue
                }
                try reader.expect(UInt8(ascii: "}"))
                break
            }
        }
        reader.skipSpace()
        guard reader.index == bytes.count else { throw .malformed }
    }

    private struct Reader {
        let bytes: [UInt8]
        var index = 0

        func peek() -> UInt8? {
            index < bytes.count ? bytes[index] : nil
        }

        mutating func skipSpace() {
            while let byte = peek(), byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D {
                index += 1
            }
        }

        mutating func expect(_ byte: UInt8) throws(Problem) {
            guard peek() == byte else { throw .malformed }
            index += 1
        }

        /// A JSON string (RFC 8259): escapes decoded, raw control characters
        /// and invalid UTF-8 refused.
        mutating func string() throws(Problem) -> String {
            try expect(UInt8(ascii: "\""))
            var scalars = String.UnicodeScalarView()
            var raw: [UInt8] = []
            func flush() throws(Problem) {
                guard !raw.isEmpty else { return }
                guard let text = String(validating: raw, as: UTF8.self) else { throw .malformed }
                scalars.append(contentsOf: text.unicodeScalars)
                raw.removeAll()
            }
            while true {
                guard let byte = peek() else { throw .malformed }
                index += 1
                switch byte {
                case UInt8(ascii: "\""):
                    try flush()
                    return String(scalars)
                case UInt8(ascii: "\\"):
                    try flush()
                    scalars.append(try escape())
                case 0x00..<0x20:
                    throw .malformed
                default:
                    raw.append(byte)
                }
            }
        }

        private mutating func escape() throws(Problem) -> Unicode.Scalar {
            guard let byte = peek() else { throw .malformed }
            index += 1
            switch byte {
            case UInt8(ascii: "\""): return "\""
            case UInt8(ascii: "\\"): return "\\"
            case UInt8(ascii: "/"): return "/"
            case UInt8(ascii: "b"): return "\u{08}"
            case UInt8(ascii: "f"): return "\u{0C}"
            case UInt8(ascii: "n"): return "\n"
            case UInt8(ascii: "r"): return "\r"
            case UInt8(ascii: "t"): return "\t"
            case UInt8(ascii: "u"):
                let unit = try hex4()
                switch unit {
                case 0xD800...0xDBFF:
                    // A high surrogate must be followed by an escaped low one.
                    guard peek() == UInt8(ascii: "\\") else { throw .malformed }
                    index += 1
                    guard peek() == UInt8(ascii: "u") else { throw .malformed }
                    index += 1
                    let low = try hex4()
                    guard (0xDC00...0xDFFF).contains(low),
                          let scalar = Unicode.Scalar(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))
                    else { throw .malformed }
                    return scalar
                case 0xDC00...0xDFFF:
                    throw .malformed
                default:
                    guard let scalar = Unicode.Scalar(unit) else { throw .malformed }
                    return scalar
                }
            default:
                throw .malformed
            }
        }

        private mutating func hex4() throws(Problem) -> UInt32 {
            guard index + 4 <= bytes.count else { throw .malformed }
            var value: UInt32 = 0
            for byte in bytes[index..<index + 4] {
                let digit: UInt8
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
                default: throw .malformed
                }
                value = value * 16 + UInt32(digit)
            }
            index += 4
            return value
        }
    }
}
