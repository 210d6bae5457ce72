/// What a column of a view or materialized view carries, read from the
/// view's definition.
///
/// PostgreSQL names a view, not the table beneath it, as the source of a
/// view's columns, and a view may rename them (`SELECT email AS contact`):
/// without reading the definition, neither the rule's name nor its source
/// would find the value.
enum ViewColumn: Equatable, Sendable {
    /// Nothing read from masked data.
    case clean
    /// A plain reference to this column of a table or view the catalog
    /// holds: it is masked as that column is, by that column's rule.
    case reads(SourceCatalog.Key)
    /// Computed from masked data, or read through something whose origin
    /// is not certain (a subquery, a CTE, a set operation, a column two
    /// tables could supply): redacted whole.
    case computed
}

extension MaskedDataFlow {
    /// What each of a view's `count` columns carries, from its definition
    /// (`pg_get_viewdef`, which spells out every column and qualifies each
    /// reference when the view reads several relations). A definition the
    /// parser rejects makes every column computed.
    func viewColumns(definition: String, count: Int) -> [ViewColumn] {
        guard case .success(let statements) = PostgresParser.parse(definition), statements.count == 1,
              let query = statements.first, query.type == "SelectStmt"
        else { return Array(repeating: .computed, count: count) }
        let outputs = select(query, Scope())
        let anyDerived = outputs.flags.contains(true)
        let plain = query.string("op") == nil || query.string("op") == "SETOP_NONE"
        let targets = query.nodes("targetList")
        let ctes = Set(query.node("withClause")?.nodes("ctes").compactMap { $0.string("ctename") } ?? [])
        let tables = Self.tables(in: query.nodes("fromClause")).filter { !($0.isUnqualifiedRelation && ctes.contains($0.string("relname") ?? "")) }
        return (0..<count).map { index in
            let derived = outputs.hasStar || index >= outputs.flags.count ? anyDerived : outputs.flags[index]
            guard derived else { return .clean }
            guard plain, !outputs.hasStar, index < targets.count, let reference = ParseNode(targets[index]["val"]),
                  reference.type == "ColumnRef", let key = origin(of: reference, tables: tables)
            else { return .computed }
            return .reads(key)
        }
    }

    /// The column of one of `tables` a column reference names, when exactly
    /// one of them can supply it.
    private func origin(of reference: ParseNode, tables: [ParseNode]) -> SourceCatalog.Key? {
        let fields = reference.nodes("fields")
        guard fields.allSatisfy({ $0.stringValue != nil }), let column = fields.last?.stringValue else { return nil }
        let names = fields.dropLast().compactMap(\.stringValue)
        let candidates: [(ParseNode, SourceCatalog.Relation)] = tables.compactMap { table in
            guard let name = table.relationName, let relation = catalog.relation(named: name) else { return nil }
            if let qualifier = names.last {
                // `people.email`, `public.people.email`, or `p.email` with `people p`.
                let alias = table.node("alias")?.string("aliasname")
                if let alias { return alias == qualifier && names.count == 1 ? (table, relation) : nil }
                guard table.string("relname") == qualifier else { return nil }
                if names.count >= 2, table.string("schemaname").map({ $0 != names[names.count - 2] }) ?? false { return nil }
            }
            return relation.columns.contains { $0.name == column } ? (table, relation) : nil
        }
        guard candidates.count == 1, let match = candidates[0].1.columns.first(where: { $0.name == column }) else { return nil }
        return SourceCatalog.Key(table: candidates[0].1.oid, column: match.number)
    }

    /// The tables and views named in a FROM list, through joins: a column
    /// reference in the target list can only be one of theirs, or a
    /// subquery's or function's, whose origin stays unknown.
    private static func tables(in items: [ParseNode]) -> [ParseNode] {
        items.flatMap { item -> [ParseNode] in
            switch item.type {
            case "RangeVar": return [item]
            case "JoinExpr": return tables(in: ["larg", "rarg"].compactMap { item.node($0) })
            default: return []
            }
        }
    }
}
