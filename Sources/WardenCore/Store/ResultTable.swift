import Foundation

/// A statement's result as the client received it, recorded for replay up to
/// `store.result_capture_bytes`. Stored as JSON in the `result` column:
/// `{"columns":[...],"rows":[[...]],"truncated":bool}`, NULL as `null`.
public struct ResultTable: Sendable, Equatable, Codable {
    public var columns: [String]
    /// One array per row with one value per column, as text; `nil` is NULL.
    public var rows: [[String?]]
    /// The client received more than this table holds: rows past the
    /// capture limit, or further result sets.
    public var truncated: Bool

    public init(columns: [String], rows: [[String?]], truncated: Bool = false) {
        self.columns = columns
        self.rows = rows
        self.truncated = truncated
    }
}

extension ResultTable {
    /// The JSON kept in the store, keys in order, as ``JSONEncoder`` with
    /// sorted keys would write it; written by hand because the recorder
    /// encodes one per statement.
    var json: String {
        var out = JSONBytes()
        out.raw("{\"columns\":[")
        for (index, column) in columns.enumerated() {
            if index > 0 { out.byte(UInt8(ascii: ",")) }
            out.string(column)
        }
        out.raw("],\"rows\":[")
        for (index, row) in rows.enumerated() {
            if index > 0 { out.byte(UInt8(ascii: ",")) }
            out.byte(UInt8(ascii: "["))
            for (position, value) in row.enumerated() {
                if position > 0 { out.byte(UInt8(ascii: ",")) }
                out.optionalString(value)
            }
            out.byte(UInt8(ascii: "]"))
        }
        out.raw(truncated ? "],\"truncated\":true}" : "],\"truncated\":false}")
        return out.text
    }

    /// Reads the stored JSON; `nil` for text that is not a table, so that one
    /// damaged row does not hide the rest of a session.
    init?(json: String) {
        guard let table = try? JSONDecoder().decode(ResultTable.self, from: Data(json.utf8)) else { return nil }
        self = table
    }
}
