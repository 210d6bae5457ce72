/// One field of a RowDescription.
struct ResultField: Equatable, Sendable {
    var name: String
    /// The source table's OID, or 0 when the value is not a plain column.
    var tableOID: UInt32
    /// The source column's number, or 0.
    var columnNumber: Int16
    var typeOID: UInt32
    /// Binary format (a binary cursor's FETCH, or what Bind asked for).
    var binary: Bool
}

/// Codecs of the messages that carry result rows.
enum RowMessages {
    /// RowDescription: Int16 count, then per field a name, table OID, column
    /// number, type OID, type size, type modifier and format code.
    static func fields(_ body: ArraySlice<UInt8>) -> [ResultField]? {
        var reader = ByteReader(body)
        guard let count = reader.readInt16(), count >= 0 else { return nil }
        var fields: [ResultField] = []
        for _ in 0..<count {
            guard let name = reader.readCStringBytes(), let table = reader.readInt32(), let column = reader.readInt16(),
                  let type = reader.readInt32(), reader.readBytes(2 + 4) != nil, let format = reader.readInt16()
            else { return nil }
            fields.append(ResultField(
                name: String(decoding: name, as: UTF8.self), tableOID: UInt32(bitPattern: table),
                columnNumber: column, typeOID: UInt32(bitPattern: type), binary: format == 1))
        }
        return fields
    }

    /// DataRow: Int16 count, then per value an Int32 length (-1 for NULL) and the bytes.
    static func values(_ body: ArraySlice<UInt8>) -> [ArraySlice<UInt8>?]? {
        var reader = ByteReader(body)
        guard let count = reader.readInt16(), count >= 0 else { return nil }
        var values: [ArraySlice<UInt8>?] = []
        values.reserveCapacity(Int(count))
        for _ in 0..<count {
            guard let length = reader.readInt32(), length >= -1 else { return nil }
            if length == -1 {
                values.append(nil)
            } else {
                guard let bytes = reader.readBytes(Int(length)) else { return nil }
                values.append(bytes)
            }
        }
        return reader.isAtEnd ? values : nil
    }

    static func dataRow(_ values: [ArraySlice<UInt8>?]) -> [UInt8] {
        MessageWriter.message(BackendMessageType.dataRow) { out in
            out.appendInt16(Int16(values.count))
            for value in values {
                guard let value else {
                    out.appendInt32(-1)
                    continue
                }
                out.appendInt32(Int32(value.count))
                out.append(contentsOf: value)
            }
        }
    }

    static func copyData(_ bytes: [UInt8]) -> [UInt8] {
        MessageWriter.message(BackendMessageType.copyData) { $0.append(contentsOf: bytes) }
    }
}
