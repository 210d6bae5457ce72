/// What a `COPY … TO STDOUT` sends and how its rows are written, so that its
/// values can be found, masked and written back: the table and columns when
/// it names a table (rows carry no names), and its format options.
struct CopyStatement: Equatable, Sendable {
    enum Format: Equatable, Sendable {
        case text
        case csv
        case binary
    }

    /// `schema.table` as written; nil for `COPY (query) TO`, whose values
    /// only the content detectors see.
    var table: String?
    var columns: [String] = []
    var format = Format.text
    var delimiter = UInt8(ascii: "\t")
    var quote = UInt8(ascii: "\"")
    var escape: UInt8?
    /// How NULL is written; PostgreSQL's default is `\N` in text, empty in CSV.
    var null: [UInt8]?

    /// Every `COPY … TO STDOUT` of a message, in order: each CopyOutResponse
    /// the upstream sends belongs to the next one (a COPY to a file or a
    /// program sends none).
    static func all(in sql: String) -> [CopyStatement] {
        guard case .success(let statements) = PostgresParser.parse(sql) else { return [] }
        return all(in: statements)
    }

    static func all(in statements: [ParseNode]) -> [CopyStatement] {
        statements.filter { $0.type == "CopyStmt" && !$0.bool("is_from") && !$0.has("filename") && !$0.bool("is_program") }
            .map(CopyStatement.init)
    }

    init(table: String? = nil, columns: [String] = []) {
        self.table = table
        self.columns = columns
    }

    init(_ node: ParseNode) {
        table = node.node("relation")?.relationName
        columns = node.nodes("attlist").compactMap(\.stringValue)
        for option in node.nodes("options") {
            let value = option.node("arg")?.stringValue
            switch option.string("defname") {
            case "format":
                format = value == "csv" ? .csv : value == "binary" ? .binary : .text
                if format == .csv, delimiter == UInt8(ascii: "\t") { delimiter = UInt8(ascii: ",") }
            case "delimiter":
                if let byte = value?.utf8.first { delimiter = byte }
            case "quote":
                if let byte = value?.utf8.first { quote = byte }
            case "escape":
                escape = value?.utf8.first
            case "null":
                null = value.map { Array($0.utf8) }
            default:
                break  // header, force_quote, encoding: how the rows look is unchanged
            }
        }
    }

    /// The NULL marker in force.
    var nullMarker: [UInt8] { null ?? (format == .csv ? [] : Array("\\N".utf8)) }
}
