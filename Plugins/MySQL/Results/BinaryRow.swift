/// A binary-protocol row (the answer to COM_STMT_EXECUTE and
/// COM_STMT_FETCH): 0x00, a NULL bitmap offset by two bits, then each
/// non-NULL value in its type's own encoding.
struct BinaryRow {
    /// Each column's value as text (what maskers and replay read), nil for NULL.
    private(set) var texts: [String?]
    /// Each column's encoded value, nil for NULL.
    private var encoded: [[UInt8]?]
    private let columns: [ColumnDefinition]

    init(parsing payload: [UInt8], columns: [ColumnDefinition]) throws(MySQLProtocolError) {
        self.columns = columns
        var reader = PacketReader(payload)
        guard try reader.byte() == 0x00 else { throw .malformed("a binary row without its 0x00 header") }
        let bitmap = try reader.bytes((columns.count + 7 + 2) / 8)
        texts = []
        encoded = []
        texts.reserveCapacity(columns.count)
        for (index, column) in columns.enumerated() {
            let bit = index + 2
            if bitmap[bit / 8] & (1 << (bit % 8)) != 0 {
                texts.append(nil)
                encoded.append(nil)
                continue
            }
            let start = reader.offset
            let text = try Self.readValue(&reader, column)
            encoded.append(Array(payload[start..<reader.offset]))
            texts.append(text)
        }
        guard reader.isAtEnd else { throw .malformed("a binary row with more values than columns") }
    }

    /// Replaces a value: a string column gets the masked text; any other
    /// type becomes NULL, since a masked number or date has no honest value
    /// of its type (a zero or an epoch would read as real data).
    mutating func replace(_ index: Int, with text: String) {
        guard index < columns.count else { return }
        if ColumnType.isString(columns[index].type) {
            var writer = PacketWriter(reservingCapacity: text.utf8.count + 9)
            writer.lengthEncoded(text)
            encoded[index] = writer.bytes
            texts[index] = text
        } else {
            encoded[index] = nil
            texts[index] = nil
        }
    }

    var payload: [UInt8] {
        var bitmap = [UInt8](repeating: 0, count: (columns.count + 7 + 2) / 8)
        var writer = PacketWriter(reservingCapacity: encoded.reduce(1 + bitmap.count) { $0 + ($1?.count ?? 0) })
        writer.byte(0x00)
        for (index, value) in encoded.enumerated() where value == nil {
            bitmap[(index + 2) / 8] |= 1 << ((index + 2) % 8)
        }
        writer.append(bitmap)
        for value in encoded { if let value { writer.append(value) } }
        return writer.bytes
    }

    private static func readValue(_ reader: inout PacketReader, _ column: ColumnDefinition) throws(MySQLProtocolError) -> String {
        let unsigned = column.flags & 0x0020 != 0
        switch column.type {
        case ColumnType.tiny:
            let value = try reader.integer(1)
            return unsigned ? String(value) : String(Int8(truncatingIfNeeded: value))
        case ColumnType.short, ColumnType.year:
            let value = try reader.integer(2)
            return unsigned || column.type == ColumnType.year ? String(value) : String(Int16(truncatingIfNeeded: value))
        case ColumnType.long, ColumnType.int24:
            let value = try reader.integer(4)
            return unsigned ? String(value) : String(Int32(truncatingIfNeeded: value))
        case ColumnType.longLong:
            let value = try reader.integer(8)
            return unsigned ? String(value) : String(Int64(bitPattern: value))
        case ColumnType.float:
            return String(Float(bitPattern: UInt32(try reader.integer(4))))
        case ColumnType.double:
            return String(Double(bitPattern: try reader.integer(8)))
        case ColumnType.date, ColumnType.dateTime, ColumnType.timestamp, ColumnType.newDate:
            return try dateTime(&reader, withTime: column.type != ColumnType.date && column.type != ColumnType.newDate)
        case ColumnType.time:
            return try time(&reader)
        case ColumnType.null:
            return ""
        default:
            return String(decoding: try reader.lengthEncodedBytes() ?? [], as: UTF8.self)
        }
    }

    private static func dateTime(_ reader: inout PacketReader, withTime: Bool) throws(MySQLProtocolError) -> String {
        let length = Int(try reader.byte())
        guard [0, 4, 7, 11].contains(length) else { throw .malformed("a date of \(length) bytes") }
        var parts = [0, 0, 0, 0, 0, 0], micros = 0
        if length >= 4 {
            parts[0] = Int(try reader.integer(2))
            parts[1] = Int(try reader.byte())
            parts[2] = Int(try reader.byte())
        }
        if length >= 7 {
            parts[3] = Int(try reader.byte())
            parts[4] = Int(try reader.byte())
            parts[5] = Int(try reader.byte())
        }
        if length == 11 { micros = Int(try reader.integer(4)) }
        var text = "\(pad(parts[0], 4))-\(pad(parts[1]))-\(pad(parts[2]))"
        if withTime { text += " \(pad(parts[3])):\(pad(parts[4])):\(pad(parts[5]))" }
        if micros > 0 { text += ".\(pad(micros, 6))" }
        return text
    }

    private static func time(_ reader: inout PacketReader) throws(MySQLProtocolError) -> String {
        let length = Int(try reader.byte())
        guard [0, 8, 12].contains(length) else { throw .malformed("a time of \(length) bytes") }
        guard length > 0 else { return "00:00:00" }
        let negative = try reader.byte() == 1
        let days = Int(try reader.integer(4))
        let hours = Int(try reader.byte()) + days * 24
        let minutes = Int(try reader.byte()), seconds = Int(try reader.byte())
        let micros = length == 12 ? Int(try reader.integer(4)) : 0
        var text = "\(negative ? "-" : "")\(pad(hours)):\(pad(minutes)):\(pad(seconds))"
        if micros > 0 { text += ".\(pad(micros, 6))" }
        return text
    }

    private static func pad(_ value: Int, _ width: Int = 2) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}

extension ColumnType {
    /// Types whose values travel as length-encoded strings in binary rows
    /// and whose masked text is a value of the type.
    static func isString(_ type: UInt8) -> Bool {
        switch type {
        case varchar, varString, string, tinyBlob, mediumBlob, longBlob, blob, enumeration, set, json: true
        default: false
        }
    }
}
