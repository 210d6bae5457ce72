/// PostgreSQL's lexical character classes (scan.l), on UTF-8 bytes.
///
/// Every byte of a multi-byte UTF-8 sequence is ≥ 0x80 and PostgreSQL treats
/// those bytes as identifier characters, so working on bytes is exact.
enum SQLCharacter {
    static let quote = UInt8(ascii: "'")
    static let doubleQuote = UInt8(ascii: "\"")
    static let backslash = UInt8(ascii: "\\")
    static let dollar = UInt8(ascii: "$")

    /// `[ \t\n\r\f\v]`
    static func isSpace(_ byte: UInt8) -> Bool {
        isHorizontalSpace(byte) || isNewline(byte)
    }

    /// `[\n\r]`: both end a `--` comment, so a lone `\r` must too or text
    /// after it would be hidden from the classifier but run by the server.
    static func isNewline(_ byte: UInt8) -> Bool {
        byte == 0x0A || byte == 0x0D
    }

    /// `[ \t\f\v]`
    static func isHorizontalSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0C || byte == 0x0B
    }

    static func isDigit(_ byte: UInt8) -> Bool {
        byte >= 0x30 && byte <= 0x39
    }

    static func isHexDigit(_ byte: UInt8) -> Bool {
        isDigit(byte) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x66)
    }

    static func isLetter(_ byte: UInt8) -> Bool {
        let lower = byte | 0x20
        return lower >= 0x61 && lower <= 0x7A
    }

    /// `ident_start`: `[A-Za-z\200-\377_]`
    static func isIdentifierStart(_ byte: UInt8) -> Bool {
        isLetter(byte) || byte == UInt8(ascii: "_") || byte >= 0x80
    }

    /// `ident_cont`: identifier characters plus digits and `$`, which is why
    /// `foo$$` is one identifier and not the start of a dollar quote.
    static func isIdentifierContinue(_ byte: UInt8) -> Bool {
        isIdentifierStart(byte) || isDigit(byte) || byte == dollar
    }

    /// `dolq_cont`: a dollar-quote tag is an identifier without `$`.
    static func isDollarTagContinue(_ byte: UInt8) -> Bool {
        isIdentifierStart(byte) || isDigit(byte)
    }

    /// `op_chars`: `~ ! @ # ^ & | ` ? + - * / % < > =`
    static func isOperator(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "~"), UInt8(ascii: "!"), UInt8(ascii: "@"), UInt8(ascii: "#"),
             UInt8(ascii: "^"), UInt8(ascii: "&"), UInt8(ascii: "|"), UInt8(ascii: "`"),
             UInt8(ascii: "?"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "*"),
             UInt8(ascii: "/"), UInt8(ascii: "%"), UInt8(ascii: "<"), UInt8(ascii: ">"),
             UInt8(ascii: "="):
            return true
        default:
            return false
        }
    }

    /// Operator characters that SQL's own operators never use; an operator
    /// containing one may end in `+` or `-` (scan.l's rule for `a=-1`).
    static func isNonSQLOperator(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "~"), UInt8(ascii: "!"), UInt8(ascii: "@"), UInt8(ascii: "#"),
             UInt8(ascii: "^"), UInt8(ascii: "&"), UInt8(ascii: "|"), UInt8(ascii: "`"),
             UInt8(ascii: "?"), UInt8(ascii: "%"):
            return true
        default:
            return false
        }
    }

    /// ASCII lowercasing, as PostgreSQL folds unquoted identifiers in UTF-8
    /// (non-ASCII letters are left alone, so look-alikes never become keywords).
    static func lowercased(_ bytes: ArraySlice<UInt8>) -> String {
        // Written into the string's own storage: every word of every statement comes through here.
        String(unsafeUninitializedCapacity: bytes.count) { buffer in
            for (offset, byte) in bytes.enumerated() {
                buffer[offset] = isLetter(byte) ? byte | 0x20 : byte
            }
            return bytes.count
        }
    }
}
