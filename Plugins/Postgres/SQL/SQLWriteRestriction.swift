import WardenSQLCore

/// The verdict on INSERT, UPDATE, DELETE and MERGE: a write, of high risk
/// when nothing restricts it to some rows.
///
/// A WHERE (or MERGE's join condition) restricts rows only if one of its
/// top-level conjuncts compares a column of the target table with a
/// constant or a parameter: `id = 7`, `id IN (1, 2)`, `created < now()`,
/// `id = $1`. `id = id`, `coalesce(true)`, `x IS NOT NULL`, `s.id = t.id`
/// or a condition that is only ORed with such a comparison restrict
/// nothing anyone can see from the text.
enum SQLWriteRestriction {
    static func verdict(for node: ParseNode) -> SQLVerdict {
        let target = node.node("relation")
        var names: Set<String> = []
        if let table = target?.string("relname") { names.insert(table) }
        if let alias = target?.node("alias")?.string("aliasname") { names = [alias] }
        // With other tables in FROM or USING, an unqualified column may be
        // theirs: only one the target's name qualifies restricts its rows.
        let qualifiedOnly = !node.nodes("fromClause").isEmpty || !node.nodes("usingClause").isEmpty
        switch node.type {
        case "InsertStmt":
            // An upsert fed by a query can update every row it conflicts with.
            let updatesOnConflict = node.node("onConflictClause")?.string("action") == "ONCONFLICT_UPDATE"
            let fromQuery = node.node("selectStmt").map { !$0.nodes("fromClause").isEmpty } ?? false
            if updatesOnConflict && fromQuery {
                return SQLVerdict(.write, risk: .high, "INSERT … SELECT … ON CONFLICT DO UPDATE may update every row")
            }
            return SQLVerdict(.write, "INSERT adds rows")
        case "MergeStmt":
            let changesRows = node.nodes("mergeWhenClauses").contains { clause in
                ["CMD_UPDATE", "CMD_DELETE"].contains(clause.string("commandType") ?? "")
            }
            guard changesRows else { return SQLVerdict(.write, "MERGE that only inserts adds rows") }
            if restricts(node.node("joinCondition"), to: names, qualifiedOnly: true) {
                return SQLVerdict(.write, "MERGE restricted by its join condition")
            }
            return SQLVerdict(.write, risk: .high, "MERGE whose join condition compares no column of its target with a constant")
        default:
            let verb = node.type == "UpdateStmt" ? "UPDATE" : "DELETE"
            guard let condition = node.node("whereClause") else {
                return SQLVerdict(.write, risk: .high, "\(verb) without WHERE affects every row")
            }
            if condition.type == "CurrentOfExpr" { return SQLVerdict(.write, "\(verb) … WHERE CURRENT OF affects one row") }
            if restricts(condition, to: names, qualifiedOnly: qualifiedOnly) {
                return SQLVerdict(.write, "\(verb) restricted by WHERE")
            }
            return SQLVerdict(.write, risk: .high, "\(verb) whose WHERE compares no column with a constant may affect every row")
        }
    }

    /// Whether a top-level conjunct of `condition` compares a column of the
    /// target (unqualified, or qualified by one of `tables`) with a constant.
    static func restricts(_ condition: ParseNode?, to tables: Set<String>, qualifiedOnly: Bool = false) -> Bool {
        guard let condition else { return false }
        return conjuncts(of: condition).contains { isColumnComparison($0, tables, qualifiedOnly: qualifiedOnly) }
    }

    private static func conjuncts(of node: ParseNode) -> [ParseNode] {
        guard node.type == "BoolExpr", node.string("boolop") == "AND_EXPR" else { return [node] }
        return node.nodes("args").flatMap(conjuncts(of:))
    }

    private static let comparisonKinds: Set<String> = [
        "AEXPR_OP_ANY", "AEXPR_OP_ALL", "AEXPR_DISTINCT", "AEXPR_NOT_DISTINCT", "AEXPR_IN", "AEXPR_LIKE",
        "AEXPR_ILIKE", "AEXPR_SIMILAR", "AEXPR_BETWEEN", "AEXPR_NOT_BETWEEN", "AEXPR_BETWEEN_SYM",
        "AEXPR_NOT_BETWEEN_SYM",
    ]
    private static let comparisonOperators: Set<String> = ["=", "<>", "!=", "<", ">", "<=", ">="]

    private static func isColumnComparison(_ node: ParseNode, _ tables: Set<String>, qualifiedOnly: Bool) -> Bool {
        guard node.type == "A_Expr", let kind = node.string("kind") else { return false }
        if kind == "AEXPR_OP" {
            guard let name = node.nameParts("name").last, comparisonOperators.contains(name) else { return false }
        } else if !comparisonKinds.contains(kind) {
            return false
        }
        let left = node["lexpr"], right = node["rexpr"]
        // `x IS DISTINCT FROM NULL` and `x <> NULL` hold for every row or none.
        guard !isNull(left), !isNull(right) else { return false }
        return (isColumn(left, tables, qualifiedOnly) && isConstant(right))
            || (isConstant(left) && isColumn(right, tables, qualifiedOnly))
    }

    private static func isNull(_ value: TreeValue?) -> Bool {
        guard let node = ParseNode(value) else { return false }
        if node.type == "TypeCast" { return isNull(node["arg"]) }
        return node.type == "A_Const" && node.bool("isnull")
    }

    /// A column reference, possibly cast or collated, of the target table.
    private static func isColumn(_ value: TreeValue?, _ tables: Set<String>, _ qualifiedOnly: Bool) -> Bool {
        guard let node = ParseNode(value) else { return false }
        switch node.type {
        case "ColumnRef":
            let parts = node.nodes("fields")
            guard let column = parts.last, column.type == "String" else { return false }  // not `t.*`
            guard parts.count >= 2 else { return !qualifiedOnly }
            return parts[parts.count - 2].stringValue.map(tables.contains) ?? false
        case "TypeCast", "CollateClause":
            return isColumn(node["arg"], tables, qualifiedOnly)
        default:
            return false
        }
    }

    /// An expression that refers to no row: constants, parameters, and
    /// operators, casts and calls over them (`now() - interval '1 day'`).
    /// A list (`IN (1, 2)`, `BETWEEN 1 AND 2`) is constant when every item is.
    private static func isConstant(_ value: TreeValue?, depth: Int = 0) -> Bool {
        guard let value, depth < 64 else { return false }
        if case .array(let list) = value { return !list.isEmpty && list.allSatisfy { isConstant($0, depth: depth + 1) } }
        guard let node = ParseNode(value) else { return false }
        switch node.type {
        case "A_Const", "ParamRef", "SQLValueFunction":
            return true
        case "TypeCast":
            return isConstant(node["arg"], depth: depth + 1)
        case "A_Expr":
            return (!node.has("lexpr") || isConstant(node["lexpr"], depth: depth + 1))
                && isConstant(node["rexpr"], depth: depth + 1)
        case "FuncCall":
            return node.list("args").allSatisfy { isConstant($0, depth: depth + 1) } && !node.has("agg_filter")
                && !node.has("over")
        case "A_ArrayExpr":
            return node.list("elements").allSatisfy { isConstant($0, depth: depth + 1) }
        case "List":
            return isConstant(node["items"], depth: depth + 1)
        default:
            return false
        }
    }
}
