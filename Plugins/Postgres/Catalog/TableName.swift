/// Table names as a statement may write them.
enum TableName {
    /// `db.schema.table` names the same table as `schema.table`: a query can
    /// only name its own database. Lowercased, as the catalogs key them.
    static func withoutCatalog(_ name: String) -> String {
        name.lowercased().split(separator: ".").suffix(2).joined(separator: ".")
    }
}
