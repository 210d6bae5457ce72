/// The table and columns of `COPY table [(columns)] TO STDOUT`, so that
/// masking rules on columns apply to its rows, which carry no names.
enum CopyStatement {
    /// nil for anything else, including `COPY (query) TO STDOUT`, whose rows
    /// only the content detectors see.
    static func target(of sql: String) -> (table: String, columns: [String])? {
        guard case .success(let statements) = PostgresParser.parse(sql),
              let copy = statements.first(where: { $0.type == "CopyStmt" }),
              !copy.bool("is_from"), let name = copy.node("relation")?.relationName
        else { return nil }
        return (name, copy.nodes("attlist").compactMap(\.stringValue))
    }
}
