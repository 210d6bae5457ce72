/// Where the strings are in a JSON document, so that masking keeps it JSON.
///
/// Detectors run over the whole document, so that context such as
/// `"password": "…"` is seen; their spans are then cut into pieces that never
/// overwrite structure (quotes, brackets, braces, commas, colons). A piece
/// inside a string is masked in place; a piece in a bare value (a number or
/// literal, as in `{"card": 4111111111111111}`) widens to the whole value and
/// is replaced by a quoted string, since `****` alone is not JSON.
struct JSONLayout {
    let text: [UInt8]
    /// The insides of the document's strings, between their quotes, in order.
    let strings: [Range<Int>]

    /// Whether a field of this type holds a JSON document.
    static func holdsJSON(typeName: String) -> Bool {
        let type = typeName.lowercased()
        return type == "json" || type == "jsonb" || type == "application/json" || type.hasSuffix("+json")
    }

    init(_ text: [UInt8]) {
        var strings: [Range<Int>] = []
        var index = 0
        while index < text.count {
            guard text[index] == UInt8(ascii: "\"") else {
                index += 1
                continue
            }
            let start = index + 1
            var end = start
            while end < text.count, text[end] != UInt8(ascii: "\"") {
                end += text[end] == UInt8(ascii: "\\") ? 2 : 1
            }
            end = min(end, text.count)  // an unterminated string runs to the end
            strings.append(start..<end)
            index = end + 1
        }
        self.text = text
        self.strings = strings
    }

    /// The pieces of `span` that may be masked, in order, and whether each
    /// one's masked text must be quoted.
    func pieces(of span: Range<Int>) -> [(range: Range<Int>, quoted: Bool)] {
        var pieces: [(range: Range<Int>, quoted: Bool)] = []
        var position = span.lowerBound
        // A span that starts on an opening quote starts inside the string.
        if position < text.count, text[position] == UInt8(ascii: "\""), let string = string(containing: position + 1),
           string.lowerBound == position + 1 {
            position += 1
        }
        while position < span.upperBound {
            if let string = string(containing: position) {
                // Detectors see escapes as text ("\nada@…"); an escape is masked whole, never cut.
                let start = escape(covering: position, in: string)?.lowerBound ?? position
                var end = min(span.upperBound, string.upperBound)
                end = escape(covering: end, in: string)?.upperBound ?? end
                pieces.append((start..<end, false))
                position = end + 1  // past the closing quote
            } else if Self.isStructure(text[position]) {
                position += 1
            } else {
                var start = position
                while start > 0, !Self.isStructure(text[start - 1]) { start -= 1 }
                var end = position
                while end < text.count, !Self.isStructure(text[end]) { end += 1 }
                pieces.append((start..<end, true))
                position = end
            }
        }
        return pieces
    }

    /// The escape sequence (`\n`, `\u00e9`) that `position` falls strictly
    /// inside of, if any: cutting there would leave an invalid escape.
    private func escape(covering position: Int, in string: Range<Int>) -> Range<Int>? {
        let backslash = UInt8(ascii: "\\")
        for back in 1...5 {
            let slash = position - back
            guard slash >= string.lowerBound else { return nil }
            guard text[slash] == backslash else { continue }
            // A backslash preceded by an odd run of backslashes is itself escaped.
            var run = 0
            while slash - run - 1 >= string.lowerBound, text[slash - run - 1] == backslash { run += 1 }
            guard run % 2 == 0 else { return nil }
            let length = slash + 1 < string.upperBound && text[slash + 1] == UInt8(ascii: "u") ? 6 : 2
            return slash + length > position ? slash..<min(slash + length, string.upperBound) : nil
        }
        return nil
    }

    /// The string whose inside holds `position`, if any.
    private func string(containing position: Int) -> Range<Int>? {
        var low = 0
        var high = strings.count
        while low < high {
            let middle = (low + high) / 2
            if strings[middle].upperBound <= position {
                low = middle + 1
            } else {
                high = middle
            }
        }
        guard low < strings.count, strings[low].contains(position) else { return nil }
        return strings[low]
    }

    /// Bytes outside strings that bare values never contain.
    private static func isStructure(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "{"), UInt8(ascii: "}"), UInt8(ascii: "["), UInt8(ascii: "]"),
             UInt8(ascii: ","), UInt8(ascii: ":"), UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"),
             UInt8(ascii: "\r"):
            return true
        default:
            return false
        }
    }

    /// `text` as a JSON string literal, quotes included.
    static func quoted(_ text: String) -> String {
        var literal = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": literal += "\\\""
            case "\\": literal += "\\\\"
            case "\n": literal += "\\n"
            case "\r": literal += "\\r"
            case "\t": literal += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                literal += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: literal.unicodeScalars.append(scalar)
            }
        }
        return literal + "\""
    }
}
