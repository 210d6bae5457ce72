/// One row of COPY … TO STDOUT output, split into its values and written
/// back after masking, in the text or CSV format its statement asked for.
struct CopyRow {
    /// Each value: its bytes as they appear in the row, its content (CSV
    /// quotes removed), and whether it is NULL.
    var values: [(raw: [UInt8], content: [UInt8], isNull: Bool)]
    let statement: CopyStatement
    let endsWithNewline: Bool

    init(_ line: ArraySlice<UInt8>, statement: CopyStatement) {
        self.statement = statement
        var line = Array(line)
        endsWithNewline = line.last == UInt8(ascii: "\n")
        if endsWithNewline { line.removeLast() }
        if statement.format == .csv, line.last == UInt8(ascii: "\r") { line.removeLast() }
        values = statement.format == .csv ? Self.csvValues(line, statement) : Self.textValues(line, statement)
    }

    /// The value as text: for CSV its content without quotes; for text its
    /// bytes as sent (escapes included, which detectors see through).
    func text(at index: Int) -> String {
        String(decoding: values[index].content, as: UTF8.self)
    }

    /// The row with `replacements` (by value index) written in its format.
    func encoded(replacing replacements: [Int: String]) -> [UInt8] {
        var fields: [[UInt8]] = []
        for (index, value) in values.enumerated() {
            if let replacement = replacements[index] {
                fields.append(statement.format == .csv ? csvQuoted(replacement) : textEscaped(replacement))
            } else {
                fields.append(value.raw)
            }
        }
        var row = Array(fields.joined(separator: [statement.delimiter]))
        if endsWithNewline { row.append(UInt8(ascii: "\n")) }
        return row
    }

    /// Text format: a backslash escapes the byte after it, so an escaped
    /// delimiter is data, not the end of a value.
    private static func textValues(_ line: [UInt8], _ statement: CopyStatement) -> [(raw: [UInt8], content: [UInt8], isNull: Bool)] {
        var values: [(raw: [UInt8], content: [UInt8], isNull: Bool)] = []
        var current: [UInt8] = []
        var index = 0
        while index < line.count {
            let byte = line[index]
            if byte == UInt8(ascii: "\\"), index + 1 < line.count {
                current += [byte, line[index + 1]]
                index += 2
                continue
            }
            if byte == statement.delimiter {
                values.append((current, current, current == statement.nullMarker))
                current = []
            } else {
                current.append(byte)
            }
            index += 1
        }
        values.append((current, current, current == statement.nullMarker))
        return values
    }

    /// CSV as PostgreSQL writes it: a quoted value may hold the delimiter,
    /// newlines and doubled (or escaped) quotes; an unquoted value equal to
    /// the NULL marker is NULL.
    private static func csvValues(_ line: [UInt8], _ statement: CopyStatement) -> [(raw: [UInt8], content: [UInt8], isNull: Bool)] {
        let escape = statement.escape ?? statement.quote
        var values: [(raw: [UInt8], content: [UInt8], isNull: Bool)] = []
        var current: [UInt8] = []
        var quoted = false, inQuotes = false
        var start = 0
        var index = 0
        while index < line.count {
            let byte = line[index]
            if inQuotes {
                if byte == escape, index + 1 < line.count, line[index + 1] == statement.quote {
                    current.append(statement.quote)
                    index += 1
                } else if byte == statement.quote {
                    inQuotes = false
                } else {
                    current.append(byte)
                }
            } else if byte == statement.quote {
                inQuotes = true
                quoted = true
            } else if byte == statement.delimiter {
                values.append((Array(line[start..<index]), current, !quoted && current == statement.nullMarker))
                current = []
                quoted = false
                start = index + 1
            } else {
                current.append(byte)
            }
            index += 1
        }
        values.append((Array(line[start...]), current, !quoted && current == statement.nullMarker))
        return values
    }

    private func csvQuoted(_ text: String) -> [UInt8] {
        let escape = statement.escape ?? statement.quote
        var out = [statement.quote]
        for byte in text.utf8 {
            if byte == statement.quote || byte == escape { out.append(escape) }
            out.append(byte)
        }
        out.append(statement.quote)
        return out
    }

    /// A masked value must not break the row apart.
    private func textEscaped(_ text: String) -> [UInt8] {
        var out: [UInt8] = []
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\\"): out += Array("\\\\".utf8)
            case UInt8(ascii: "\t"): out += Array("\\t".utf8)
            case UInt8(ascii: "\n"): out += Array("\\n".utf8)
            case UInt8(ascii: "\r"): out += Array("\\r".utf8)
            case statement.delimiter: out += [UInt8(ascii: "\\"), byte]
            default: out.append(byte)
            }
        }
        return out
    }
}
