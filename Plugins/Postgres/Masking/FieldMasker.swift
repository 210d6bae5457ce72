/// A value offered for masking, with what is known of where it came from.
struct MaskField: Equatable, Sendable {
    /// The name the client sees (a RowDescription field, or `message`/`detail` of an error).
    var name: String
    /// `schema.table.column` when the value is a plain column, else empty.
    var source: String
    var typeName: String
    var value: String
}

/// Rewrites sensitive values: the adapter asks the host's maskers; tests
/// inject their own. Returns each changed value by index, or nil when
/// masking failed and nothing may be sent.
protocol FieldMasker {
    func mask(_ fields: [MaskField]) -> [Int: String]?
}

/// The names PostgreSQL gives the types maskers are most likely to look at.
enum PostgresTypeNames {
    static func name(of oid: UInt32) -> String {
        switch oid {
        case 16: "bool"
        case 19: "name"
        case 20: "int8"
        case 21: "int2"
        case 23: "int4"
        case 25: "text"
        case 114: "json"
        case 869: "inet"
        case 1042: "bpchar"
        case 1043: "varchar"
        case 1082: "date"
        case 1114: "timestamp"
        case 1184: "timestamptz"
        case 1700: "numeric"
        case 2950: "uuid"
        case 3802: "jsonb"
        default: "oid:\(oid)"
        }
    }

    /// What a value computed from masked data becomes: `****` for text,
    /// a JSON string for JSON, NULL for any other type, whose text a client
    /// would fail to parse.
    static func redaction(for oid: UInt32) -> [UInt8]? {
        switch oid {
        case 19, 25, 1042, 1043: Array(redactedText.utf8)
        case 114, 3802: Array("\"\(redactedText)\"".utf8)
        default: nil
        }
    }

    static let redactedText = "****"

    /// Types whose binary format is their text in UTF-8, so a binary value
    /// can be masked and sent back in the same format.
    static func binaryIsText(_ oid: UInt32) -> Bool {
        [19, 25, 114, 1042, 1043].contains(oid)
    }
}
