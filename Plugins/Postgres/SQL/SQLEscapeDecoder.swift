/// Resolves the escapes inside quoted literals, giving their actual contents.
/// Each function takes the bytes between the quotes and returns nil for an
/// escape PostgreSQL would reject.
enum SQLEscapeDecoder {
    /// Contents where only a doubled `quote` stands for itself.
    static func undoubled(_ content: ArraySlice<UInt8>, quote: UInt8) -> String? {
        var out: [UInt8] = []
        out.reserveCapacity(content.count)
        var index = content.startIndex
        while index < content.endIndex {
            out.append(content[index])
            // The lexer only lets a quote through as a pair.
            index += content[index] == quote ? 2 : 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `E'…'` contents: C-like backslash escapes, octal, hex and Unicode.
    static func backslashEscapes(_ content: ArraySlice<UInt8>) -> String? {
        var out: [UInt8] = []
        out.reserveCapacity(content.count)
        var index = content.startIndex
        while index < content.endIndex {
            let byte = content[index]
            if byte == SQLCharacter.quote {
                out.append(byte)
                index += 2
                continue
            }
            guard byte == SQLCharacter.backslash, index + 1 < content.endIndex else {
                out.append(byte)
                index += 1
                continue
            }
            let escaped = content[index + 1]
            index += 2
            switch escaped {
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "0")...UInt8(ascii: "7"):
                var value = UInt32(escaped - UInt8(ascii: "0"))
                var digits = 1
                while digits < 3, index < content.endIndex,
                      (UInt8(ascii: "0")...UInt8(ascii: "7")).contains(content[index]) {
                    value = value * 8 + UInt32(content[index] - UInt8(ascii: "0"))
                    index += 1
                    digits += 1
                }
                out.append(UInt8(truncatingIfNeeded: value))
            case UInt8(ascii: "x") where index < content.endIndex && SQLCharacter.isHexDigit(content[index]):
                let length = index + 1 < content.endIndex && SQLCharacter.isHexDigit(content[index + 1]) ? 2 : 1
                out.append(UInt8(hexValue(content, at: index, length: length) ?? 0))
                index += length
            case UInt8(ascii: "u"), UInt8(ascii: "U"):
                guard let next = appendUnicodeEscape(
                    content, at: index, length: escaped == UInt8(ascii: "u") ? 4 : 8,
                    lowSurrogatePrefix: [SQLCharacter.backslash, UInt8(ascii: "u")], to: &out)
                else { return nil }
                index = next
            default:
                out.append(escaped)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `U&'…'` / `U&"…"` contents: `<escape>XXXX`, `<escape>+XXXXXX`, and a
    /// doubled escape for the escape character itself.
    static func unicodeEscapes(_ content: ArraySlice<UInt8>, quote: UInt8, escape: UInt8) -> String? {
        var out: [UInt8] = []
        out.reserveCapacity(content.count)
        var index = content.startIndex
        while index < content.endIndex {
            let byte = content[index]
            if byte == quote {
                out.append(byte)
                index += 2
            } else if byte != escape {
                out.append(byte)
                index += 1
            } else if index + 1 < content.endIndex, content[index + 1] == escape {
                out.append(escape)
                index += 2
            } else {
                let long = index + 1 < content.endIndex && content[index + 1] == UInt8(ascii: "+")
                let digitsStart = index + (long ? 2 : 1)
                guard let next = appendUnicodeEscape(
                    content, at: digitsStart, length: long ? 6 : 4,
                    lowSurrogatePrefix: [escape], to: &out)
                else { return nil }
                index = next
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends the code point written as `length` hex digits at `index`,
    /// joining a UTF-16 surrogate pair when the low half follows after
    /// `lowSurrogatePrefix`. Returns the index after what was read.
    private static func appendUnicodeEscape(
        _ content: ArraySlice<UInt8>, at index: Int, length: Int, lowSurrogatePrefix: [UInt8], to out: inout [UInt8]
    ) -> Int? {
        guard var value = hexValue(content, at: index, length: length) else { return nil }
        var next = index + length
        if (0xD800..<0xDC00).contains(value) {
            let lowStart = next + lowSurrogatePrefix.count
            guard lowStart + 4 <= content.endIndex,
                  content[next..<lowStart].elementsEqual(lowSurrogatePrefix),
                  let low = hexValue(content, at: lowStart, length: 4), (0xDC00..<0xE000).contains(low)
            else { return nil }
            value = 0x10000 + ((value - 0xD800) << 10) + (low - 0xDC00)
            next = lowStart + 4
        }
        guard value > 0, let scalar = Unicode.Scalar(value) else { return nil }
        out.append(contentsOf: String(Character(scalar)).utf8)
        return next
    }

    private static func hexValue(_ content: ArraySlice<UInt8>, at index: Int, length: Int) -> UInt32? {
        guard index >= content.startIndex, index + length <= content.endIndex else { return nil }
        var value: UInt32 = 0
        for byte in content[index..<index + length] {
            guard SQLCharacter.isHexDigit(byte) else { return nil }
            let digit = SQLCharacter.isDigit(byte) ? byte - UInt8(ascii: "0") : (byte | 0x20) - UInt8(ascii: "a") + 10
            value = value * 16 + UInt32(digit)
        }
        return value
    }
}
