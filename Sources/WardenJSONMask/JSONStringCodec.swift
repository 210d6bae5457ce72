/// Converts between JSON string literal bodies and text.
enum JSONStringCodec {
    /// Decodes the body of a string literal (without quotes) that
    /// `StringLexer` has already validated, so escapes and surrogate pairs
    /// are well formed. Writes at most `body.count` bytes (an escape never
    /// decodes to more bytes than it is spelled with) and returns the count.
    static func decode(_ body: UnsafeBufferPointer<UInt8>, into out: UnsafeMutablePointer<UInt8>) -> Int {
        var i = 0
        var o = 0
        while i < body.count {
            let byte = body[i]
            guard byte == UInt8(ascii: "\\") else {
                out[o] = byte
                o += 1
                i += 1
                continue
            }
            let kind = body[i + 1]
            i += 2
            switch kind {
            case UInt8(ascii: "b"): out[o] = 0x08
            case UInt8(ascii: "f"): out[o] = 0x0C
            case UInt8(ascii: "n"): out[o] = 0x0A
            case UInt8(ascii: "r"): out[o] = 0x0D
            case UInt8(ascii: "t"): out[o] = 0x09
            case UInt8(ascii: "u"):
                var scalar = hex4(body, i)
                i += 4
                if scalar >= 0xD800 && scalar <= 0xDBFF {
                    scalar = 0x10000 + (scalar - 0xD800) << 10 + (hex4(body, i + 2) - 0xDC00)
                    i += 6
                }
                UTF8.encode(Unicode.Scalar(scalar)!) { unit in
                    out[o] = unit
                    o += 1
                }
                continue
            default: out[o] = kind  // \" \\ \/
            }
            o += 1
        }
        return o
    }

    /// The text of a validated string literal body.
    static func string(_ body: UnsafeBufferPointer<UInt8>, escaped: Bool) -> String {
        guard escaped else { return String(decoding: body, as: UTF8.self) }
        return String(unsafeUninitializedCapacity: body.count) { decode(body, into: $0.baseAddress!) }
    }

    /// Appends `text` as a JSON string literal. Quotes, backslashes and
    /// control characters are escaped; other characters are raw UTF-8.
    static func appendLiteral(_ text: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                out.append(UInt8(ascii: "\\"))
                out.append(byte)
            case 0x0A: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0D: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x09: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0..<0x20:
                out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0")])
                let low = byte & 0xF
                out.append(UInt8(ascii: "0") + (byte >> 4))
                out.append(low < 10 ? UInt8(ascii: "0") + low : UInt8(ascii: "a") + (low - 10))
            default:
                out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    private static func hex4(_ body: UnsafeBufferPointer<UInt8>, _ at: Int) -> UInt32 {
        var value: UInt32 = 0
        for i in at..<at + 4 { value = value << 4 | UInt32(hexDigitValue(body[i]) ?? 0) }
        return value
    }
}

/// Value of an ASCII hex digit, either case.
func hexDigitValue(_ byte: UInt8) -> UInt8? {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
    default: nil
    }
}

/// A JSON string literal, quotes included, for text written into JSON
/// documents whole (the gateway's own problem+json answers).
public func jsonStringLiteral(_ text: String) -> String {
    var out: [UInt8] = []
    JSONStringCodec.appendLiteral(text, to: &out)
    return String(decoding: out, as: UTF8.self)
}
