/// One column of a result (Protocol::ColumnDefinition41).
struct ColumnDefinition: Equatable, Sendable {
    var schema: String
    /// The table as the query named it (an alias), and the real one.
    var table: String
    var originalTable: String
    /// The column as the client sees it (an alias), and the real one.
    var name: String
    var originalName: String
    var characterSet: UInt16
    var type: UInt8
    var flags: UInt16

    init(parsing payload: [UInt8]) throws(MySQLProtocolError) {
        var reader = PacketReader(payload)
        _ = try reader.lengthEncodedString()  // catalog, always "def"
        schema = try reader.lengthEncodedString()
        table = try reader.lengthEncodedString()
        originalTable = try reader.lengthEncodedString()
        name = try reader.lengthEncodedString()
        originalName = try reader.lengthEncodedString()
        _ = try reader.lengthEncodedInteger()  // length of the fixed fields, 0x0C
        characterSet = UInt16(try reader.integer(2))
        _ = try reader.integer(4)  // column length
        type = try reader.byte()
        flags = UInt16(try reader.integer(2))
    }

    /// `table.column` of the stored column the value comes from, or empty
    /// for a computed value (an expression, `CONCAT()`), which masking
    /// then judges by its content.
    var source: String {
        guard !originalTable.isEmpty, !originalName.isEmpty else { return "" }
        return "\(originalTable).\(originalName)".lowercased()
    }

    /// The column type's name, for maskers.
    var typeName: String { ColumnType.name(of: type) }

    /// Binary collation (63): the value is bytes, not text.
    var isBinary: Bool { characterSet == 63 }
}

/// MySQL's column types (enum_field_types).
enum ColumnType {
    static let decimal: UInt8 = 0x00, tiny: UInt8 = 0x01, short: UInt8 = 0x02, long: UInt8 = 0x03
    static let float: UInt8 = 0x04, double: UInt8 = 0x05, null: UInt8 = 0x06, timestamp: UInt8 = 0x07
    static let longLong: UInt8 = 0x08, int24: UInt8 = 0x09, date: UInt8 = 0x0A, time: UInt8 = 0x0B
    static let dateTime: UInt8 = 0x0C, year: UInt8 = 0x0D, newDate: UInt8 = 0x0E, varchar: UInt8 = 0x0F
    static let bit: UInt8 = 0x10, json: UInt8 = 0xF5, newDecimal: UInt8 = 0xF6, enumeration: UInt8 = 0xF7
    static let set: UInt8 = 0xF8, tinyBlob: UInt8 = 0xF9, mediumBlob: UInt8 = 0xFA, longBlob: UInt8 = 0xFB
    static let blob: UInt8 = 0xFC, varString: UInt8 = 0xFD, string: UInt8 = 0xFE, geometry: UInt8 = 0xFF

    static func name(of type: UInt8) -> String {
        switch type {
        case decimal, newDecimal: "decimal"
        case tiny: "tinyint"
        case short: "smallint"
        case long: "int"
        case int24: "mediumint"
        case longLong: "bigint"
        case float: "float"
        case double: "double"
        case null: "null"
        case timestamp: "timestamp"
        case date, newDate: "date"
        case time: "time"
        case dateTime: "datetime"
        case year: "year"
        case bit: "bit"
        case json: "json"
        case enumeration: "enum"
        case set: "set"
        case tinyBlob, mediumBlob, longBlob, blob: "blob"
        case geometry: "geometry"
        default: "varchar"
        }
    }
}
