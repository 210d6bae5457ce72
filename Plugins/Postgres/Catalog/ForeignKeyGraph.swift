import WardenPluginSDK

/// Which tables a write to a table reaches through foreign keys: `ON DELETE
/// CASCADE` deletes rows of the referencing table, `SET NULL` and `SET
/// DEFAULT` update them, and `TRUNCATE … CASCADE` empties every referencing
/// table. Those tables are targets of the write too, so that a rule on
/// `payments` also holds `DELETE FROM customers` when payments cascade.
///
/// Read once per session from the catalog (``query``), when the connection
/// has rules that name tables; foreign keys created later in the session
/// are not in it.
struct ForeignKeyGraph: Equatable, Sendable {
    struct Edge: Equatable, Sendable {
        /// The referencing table, `schema.table`.
        var table: String
        /// The key changes the referencing table's rows when a referenced
        /// row is deleted or its key updated (`c`, `n` or `d`, not `a`/`r`).
        var changesRowsOnWrite: Bool
    }

    /// Edges by referenced table, under both `schema.table` and `table`.
    private var edges: [String: [Edge]] = [:]

    var isEmpty: Bool { edges.isEmpty }

    static let query = """
        SELECT rn.nspname, rc.relname, fn.nspname, fc.relname, con.confdeltype, con.confupdtype \
        FROM pg_catalog.pg_constraint con \
        JOIN pg_catalog.pg_class rc ON rc.oid = con.confrelid \
        JOIN pg_catalog.pg_namespace rn ON rn.oid = rc.relnamespace \
        JOIN pg_catalog.pg_class fc ON fc.oid = con.conrelid \
        JOIN pg_catalog.pg_namespace fn ON fn.oid = fc.relnamespace \
        WHERE con.contype = 'f'
        """

    /// Adds one row of ``query``'s result.
    mutating func add(row values: [ArraySlice<UInt8>?]) {
        let texts = values.map { $0.map { String(decoding: $0, as: UTF8.self) } }
        guard texts.count == 6, let referencedSchema = texts[0], let referenced = texts[1],
              let schema = texts[2], let table = texts[3], let onDelete = texts[4], let onUpdate = texts[5]
        else { return }
        let writes: Set<String> = ["c", "n", "d"]
        let edge = Edge(table: "\(schema).\(table)", changesRowsOnWrite: writes.contains(onDelete) || writes.contains(onUpdate))
        for name in ["\(referencedSchema).\(referenced)", referenced] {
            edges[name.lowercased(), default: []].append(edge)
        }
    }

    /// The tables a write to `targets` reaches, not already among them:
    /// through keys that change rows, or through every key for TRUNCATE.
    func reached(from targets: [String], truncating: Bool) -> [String] {
        let names = targets.map(TableName.withoutCatalog)
        var seen = Set(names)
        var queue = names
        var reached: [String] = []
        while let table = queue.popLast() {
            for edge in edges[table] ?? [] where truncating || edge.changesRowsOnWrite {
                let name = edge.table.lowercased()
                guard seen.insert(name).inserted else { continue }
                reached.append(edge.table)
                queue.append(name)
            }
        }
        return reached
    }

    /// Adds to a writing action the tables its write reaches.
    func expand(_ action: inout Action) {
        guard !edges.isEmpty, action.classification == .write || action.classification == .ddl
              || action.classification == .unknown
        else { return }
        let commands = action.attributes.first { $0.key == "command" }?.value ?? ""
        let truncating = commands.split(separator: ",").contains("TRUNCATE")
        let more = reached(from: action.targets, truncating: truncating)
        guard !more.isEmpty else { return }
        action.targets += more
        action.attributes.append((key: "cascades_to", value: more.joined(separator: ",")))
    }
}
