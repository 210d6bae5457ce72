import SQLiteNIO

/// Writes many rows with one SQL statement per chunk rather than one per row:
/// each statement costs a prepare and a thread hop, which under load would
/// cost more than the rows themselves.
struct MultiRowStatement {
    /// The SQL up to the first row's placeholders, e.g. `INSERT INTO t (a, b) VALUES`.
    let head: String
    /// SQL after the last row, e.g. an `ON CONFLICT` or a `WHERE` clause.
    let tail: String
    let columns: Int

    /// Rows per statement: well under SQLite's limit of 32,766 bound values.
    static let rowsPerStatement = 500

    init(_ head: String, columns: Int, tail: String = "") {
        self.head = head
        self.tail = tail
        self.columns = columns
    }

    /// Runs the statement for `rows` (each `columns` values long), in chunks.
    func run(on connection: SQLiteConnection, rows: [[SQLiteData]]) async throws {
        var start = 0
        while start < rows.count {
            let chunk = rows[start..<min(start + Self.rowsPerStatement, rows.count)]
            _ = try await connection.query(sql(rows: chunk.count), chunk.flatMap { $0 })
            start += chunk.count
        }
    }

    func sql(rows: Int) -> String {
        let row = "(" + Array(repeating: "?", count: columns).joined(separator: ", ") + ")"
        return head + " " + Array(repeating: row, count: rows).joined(separator: ", ") + tail
    }
}
