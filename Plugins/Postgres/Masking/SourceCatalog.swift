/// Where result columns come from: `schema.table.column` for each (table OID,
/// column number), for the tables that have a column masking rules name.
///
/// Filled once per session, before the client's first statement, by a
/// catalog query on the upstream connection (RowDescription carries only the
/// OIDs). Tables created later in the session are not in it: their values are
/// still caught by the content detectors.
struct SourceCatalog: Equatable, Sendable {
    struct Key: Hashable, Sendable {
        var table: UInt32
        var column: Int16
    }

    private(set) var sources: [Key: String] = [:]
    /// Each table's columns in order, by `schema.table`, for COPY.
    private var columnsByTable: [String: [String]] = [:]
    /// The `schema.table` a bare table name stands for, unless two schemas have it.
    private var qualifiedNames: [String: String] = [:]
    private var ambiguousNames: Set<String> = []

    func source(table: UInt32, column: Int16) -> String? {
        sources[Key(table: table, column: column)]
    }

    /// The columns of `table` (as written in a COPY statement), in order.
    func columns(ofTable table: String) -> [String]? {
        let name = TableName.withoutCatalog(table)
        if name.contains(".") { return columnsByTable[name] }
        guard !ambiguousNames.contains(name), let qualified = qualifiedNames[name] else { return nil }
        return columnsByTable[qualified]
    }

    /// The query that fills the catalog: every column of every table that
    /// has a column named in `columnNames`. Names that are not plain
    /// identifiers are left out rather than quoted.
    static func query(columnNames: [String]) -> String? {
        let names = columnNames.map { $0.lowercased() }.filter { name in
            !name.isEmpty && name.utf8.allSatisfy { (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x5F || $0 == 0x24 }
        }
        guard !names.isEmpty else { return nil }
        let list = names.map { "'\($0)'" }.joined(separator: ",")
        return """
            SELECT a.attrelid::pg_catalog.int8, a.attnum, n.nspname, c.relname, a.attname \
            FROM pg_catalog.pg_attribute a \
            JOIN pg_catalog.pg_class c ON c.oid = a.attrelid \
            JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
            WHERE a.attnum > 0 AND NOT a.attisdropped AND a.attrelid IN (\
            SELECT attrelid FROM pg_catalog.pg_attribute \
            WHERE attnum > 0 AND NOT attisdropped AND pg_catalog.lower(attname) = ANY (ARRAY[\(list)])) \
            ORDER BY 1, 2
            """
    }

    /// Adds one row of the query's result.
    mutating func add(row values: [ArraySlice<UInt8>?]) {
        guard values.count == 5, let oidText = values[0], let numberText = values[1],
              let schema = values[2], let table = values[3], let column = values[4],
              let oid = UInt32(String(decoding: oidText, as: UTF8.self)),
              let number = Int16(String(decoding: numberText, as: UTF8.self))
        else { return }
        let schemaName = String(decoding: schema, as: UTF8.self)
        let tableName = String(decoding: table, as: UTF8.self)
        let columnName = String(decoding: column, as: UTF8.self)
        sources[Key(table: oid, column: number)] = "\(schemaName).\(tableName).\(columnName)"
        let bare = tableName.lowercased(), qualified = "\(schemaName).\(tableName)".lowercased()
        columnsByTable[qualified, default: []].append(columnName)
        if let known = qualifiedNames[bare], known != qualified {
            ambiguousNames.insert(bare)
        } else {
            qualifiedNames[bare] = qualified
        }
    }
}
