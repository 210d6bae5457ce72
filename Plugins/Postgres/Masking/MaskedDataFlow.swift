/// Which result columns of a statement carry values computed from masked
/// columns, read from its parse tree: `upper(email)`, `split_part(email, …)`,
/// `email::bytea`, `row_to_json(c)`, `string_agg(ssn, …)`, a subquery's or
/// a CTE's column computed from them, a whole-row reference to a table
/// holding one.
///
/// A result column that is a plain table column is masked by its rule (the
/// RowDescription names its source). A computed one cannot be, since no
/// masker knows what a function made of the value (a partial mask of a
/// reversed SSN would show its first digits): it is redacted whole.
///
/// Names are followed conservatively: any column of that name counts, in
/// any table, view, CTE or subquery the statement reads. Views and
/// functions that exist when the session starts are known from the
/// catalog (``SourceCatalog``): a view's columns that carry masked data
/// count as masked names, and a call of a function whose body may read
/// masked data (``MaskedCode``) as a value computed from it.
struct MaskedDataFlow: Sendable {
    /// Column names that carry masked data, lowercased: the rules' names,
    /// and the catalog's view columns that read them.
    let maskedNames: Set<String>
    /// Which relations hold masked data, and which functions return it.
    let catalog: SourceCatalog

    /// Everything masking needs to know of one message (or one
    /// extended-protocol statement), from a single parse.
    struct Analysis: Equatable, Sendable {
        /// Which result columns are computed from masked data.
        var plan: OutputPlan
        /// It reads masked data anywhere: its errors may echo a value.
        var touchesMaskedData: Bool
        /// It calls `pg_notify`, whose payload would leave unmasked.
        var callsNotify: Bool
        /// Masked columns it compares, sorts, groups or joins on.
        var inferenceColumns: [String]
        /// Its `COPY … TO STDOUT` statements, in order.
        var copyStatements: [CopyStatement]
        /// Why it would put masked values where masking does not follow
        /// them (a table, a view, a setting, code), or nil.
        var copyRefusal: String? = nil
        /// It writes rows of a table with masked columns: an error's DETAIL
        /// may quote a whole row (`Failing row contains (…)`).
        var writesMaskedRows = false

        /// What of its errors' texts is withheld.
        var withholding: ResultMasking.Withholding {
            touchesMaskedData ? .everything : writesMaskedRows ? .details : .nothing
        }

        /// What a text the parser rejects may do: the worst (it will fail
        /// upstream too, but nothing of it is trusted).
        static func unreadable(_ failure: PostgresParser.Failure) -> Analysis {
            Analysis(
                plan: OutputPlan(targets: nil, anyDerived: true), touchesMaskedData: true, callsNotify: true,
                inferenceColumns: [], copyStatements: [],
                copyRefusal: "PostgreSQL's parser rejects the text (\(failure.message)), so Warden cannot tell "
                    + "whether it copies masked values")
        }

        /// A text the parser rejects, where no rule names a column: only the
        /// content detectors apply, as to any text.
        static let nothingMasked = Analysis(
            plan: .none, touchesMaskedData: false, callsNotify: false, inferenceColumns: [], copyStatements: [])
    }

    func analysis(of sql: String) -> Analysis {
        let statements: [ParseNode]
        switch PostgresParser.parse(sql) {
        case .success(let parsed): statements = parsed
        case .failure(let failure): return maskedNames.isEmpty ? .nothingMasked : .unreadable(failure)
        }
        let touches = touchesMaskedData(statements)
        let calls = FunctionCalls(statements)
        return Analysis(
            plan: plan(of: statements), touchesMaskedData: touches, callsNotify: calls.names.contains("pg_notify"),
            inferenceColumns: inferenceColumns(statements), copyStatements: CopyStatement.all(in: statements),
            copyRefusal: maskedNames.isEmpty ? nil : copyRefusal(statements, calls: calls, touchesMaskedData: touches),
            writesMaskedRows: !maskedNames.isEmpty && statements.contains(where: writesMaskedRows))
    }

    /// The plan for everything a message (or one extended-protocol
    /// statement) returns.
    func plan(for sql: String) -> OutputPlan {
        analysis(of: sql).plan
    }

    /// Whether a statement calls `pg_notify`: with masked data in it, the
    /// payload would leave as an unmasked notification.
    func callsNotify(_ sql: String) -> Bool {
        analysis(of: sql).callsNotify
    }

    /// Whether a statement reads masked data anywhere: in its results, its
    /// conditions or its sort order. Its errors may then echo a masked
    /// value (`invalid input syntax for type integer: "…"`).
    func touchesMaskedData(_ sql: String) -> Bool {
        analysis(of: sql).touchesMaskedData
    }

    /// The masked column names a statement compares, sorts, groups or joins
    /// on, which with `masking.strict` it may not: a WHERE on a masked value
    /// tells it bit by bit.
    func inferenceColumns(_ sql: String) -> [String] {
        analysis(of: sql).inferenceColumns
    }

    private func plan(of statements: [ParseNode]) -> OutputPlan {
        guard !maskedNames.isEmpty else { return .none }
        let plans = statements.compactMap(plan(forStatement:))
        guard plans.count > 1 else { return plans.first ?? .none }
        // Several results: which is which is not worth the risk of a mistake.
        return OutputPlan(targets: nil, anyDerived: plans.contains { $0.anyDerived })
    }

    private func touchesMaskedData(_ statements: [ParseNode]) -> Bool {
        guard !maskedNames.isEmpty else { return false }
        return statements.contains { reads($0.value, tables: maskedTables(in: $0.value)) }
    }

    /// Whether a statement (or one it holds: a data-changing CTE, EXPLAIN
    /// ANALYZE, PREPARE, COPY's query) inserts, updates, deletes or merges
    /// rows of a relation with masked columns.
    private func writesMaskedRows(_ node: ParseNode) -> Bool {
        switch node.type {
        case "InsertStmt", "UpdateStmt", "DeleteStmt", "MergeStmt":
            if let table = node.node("relation")?.relationName, catalog.holdsMaskedData(table, names: maskedNames) { return true }
        case "ExplainStmt", "PrepareStmt", "CopyStmt":
            return node.node("query").map(writesMaskedRows) ?? false
        default:
            break
        }
        return node.node("withClause")?.nodes("ctes").compactMap { $0.node("ctequery") }.contains(where: writesMaskedRows) ?? false
    }

    /// The tables (and their aliases) with masked columns that a statement names.
    func maskedTables(in tree: TreeValue?) -> Set<String> {
        var scope = Scope(names: maskedNames)
        var found: Set<String> = []
        func walk(_ value: TreeValue?) {
            if case .array(let list) = value { return list.forEach(walk) }
            guard let node = ParseNode(value) else { return }
            if node.isRelation {
                scope.relations = []
                scope.addRelation(node, flow: self)
                found.formUnion(scope.relations)
            }
            node.fields.forEach { walk($0.value) }
        }
        walk(tree)
        return found
    }

    func reads(_ value: TreeValue?, tables: Set<String>) -> Bool {
        if case .array(let list) = value { return list.contains { reads($0, tables: tables) } }
        guard let node = ParseNode(value) else { return false }
        // A FuncCall, or CALL's call of a procedure (not wrapped in its type).
        if node.type == "FuncCall" || (node.type.isEmpty && node.has("funcname")), returnsMaskedData(node) { return true }
        if node.type == "ColumnRef" {
            let fields = node.nodes("fields")
            if fields.last?.type == "A_Star" { return !tables.isEmpty }
            let names = fields.compactMap(\.stringValue).map { $0.lowercased() }
            return names.last.map { maskedNames.contains($0) || (names.count == 1 && tables.contains($0)) } ?? false
        }
        return node.fields.contains { reads($0.value, tables: tables) }
    }

    private func inferenceColumns(_ statements: [ParseNode]) -> [String] {
        guard !maskedNames.isEmpty else { return [] }
        var found: [String] = []
        func walk(_ value: TreeValue?, inCondition: Bool) {
            if case .array(let list) = value { return list.forEach { walk($0, inCondition: inCondition) } }
            guard let node = ParseNode(value) else { return }
            if inCondition, node.type == "ColumnRef",
               let name = node.nodes("fields").last?.stringValue?.lowercased(), maskedNames.contains(name),
               !found.contains(name) {
                found.append(name)
            }
            for field in node.fields {
                walk(field.value, inCondition: inCondition || Self.conditionKeys.contains(field.key))
            }
        }
        statements.forEach { walk($0.value, inCondition: false) }
        return found.sorted()
    }

    /// Where a query compares, sorts, groups, joins or partitions rows.
    private static let conditionKeys: Set<String> = [
        "whereClause", "havingClause", "sortClause", "groupClause", "quals", "joinCondition", "partitionClause",
        "distinctClause",
    ]

    private func plan(forStatement node: ParseNode) -> OutputPlan? {
        switch node.type {
        case "SelectStmt":
            return OutputPlan(select(node, Scope()))
        case "DeclareCursorStmt", "ExplainStmt", "PrepareStmt", "CreateTableAsStmt":
            return node.node("query").flatMap(plan(forStatement:))
        case "CopyStmt":
            return node.node("query").flatMap(plan(forStatement:))
        case "InsertStmt", "UpdateStmt", "DeleteStmt", "MergeStmt":
            let returning = node.list("returningList")
            guard !returning.isEmpty else { return nil }
            var scope = Scope(names: maskedNames)
            if let table = node.node("relation") { scope.addRelation(table, flow: self) }
            for item in node.nodes("fromClause") + node.nodes("usingClause") { scope.addFromItem(item, flow: self) }
            return OutputPlan(targets(returning.compactMap(ParseNode.init), scope))
        case "ExecuteStmt", "FetchStmt":
            // A prepared statement's or a cursor's columns are not visible here.
            return OutputPlan(targets: nil, anyDerived: true)
        case "CallStmt":
            // A procedure's OUT parameters come back as a row.
            guard let call = node.node("funccall"),
                  returnsMaskedData(call) || derives(call["args"], Scope(names: maskedNames))
            else { return nil }
            return OutputPlan(targets: nil, anyDerived: true)
        default:
            return nil
        }
    }

    /// What the names and relations visible in a query carry.
    struct Scope {
        /// Column names that hold masked data: the rules' names, and columns
        /// of CTEs and subqueries computed from them.
        var names: Set<String> = []
        /// Tables, aliases and CTEs whose rows hold masked data.
        var relations: Set<String> = []
        /// CTEs visible here whose rows hold masked data.
        var derivedCTEs: Set<String> = []
        /// Subqueries, functions and CTEs in FROM whose columns were computed
        /// from masked data: any column they qualify counts, whatever its name.
        var derivedRelations: Set<String> = []
        /// A function in FROM returns masked data under column names not
        /// known here: any column reference that does not name another
        /// relation may be one of its.
        var unnamedColumnsDerived = false

        mutating func addRelation(_ node: ParseNode, flow: MaskedDataFlow) {
            guard let table = node.string("relname")?.lowercased() else { return }
            let alias = node.node("alias")?.string("aliasname")?.lowercased() ?? table
            let qualified = node.relationName ?? table
            let renamed = node.node("alias")?.nameParts("colnames").map { $0.lowercased() } ?? []
            if derivedCTEs.contains(table) {
                relations.insert(alias)
                derivedRelations.insert(alias)
                names.formUnion(renamed)
            } else if flow.catalog.holdsMaskedData(qualified, names: flow.maskedNames) {
                relations.insert(alias)
                // `customers AS c(i, n, e, s)` gives the columns new names,
                // by position (the red team's `reverse(e)`): every one of
                // them is taken for masked, rather than trusting positions.
                names.formUnion(renamed)
            }
        }

        mutating func addFromItem(_ node: ParseNode, flow: MaskedDataFlow) {
            switch node.type {
            case "RangeVar":
                addRelation(node, flow: flow)
            case "JoinExpr":
                let before = relations.count
                for side in ["larg", "rarg"] { if let item = node.node(side) { addFromItem(item, flow: flow) } }
                // `(a JOIN b USING (id)) AS j(x, y, …)` renames every column of the join.
                if relations.count > before {
                    names.formUnion(node.node("alias")?.nameParts("colnames").map { $0.lowercased() } ?? [])
                }
            case "RangeSubselect":
                guard let query = node.node("subquery") else { return }
                var outputs = flow.select(query, self)
                // `(SELECT …) s(x, y)` renames the columns.
                let renamed = node.node("alias")?.nameParts("colnames").map { $0.lowercased() } ?? []
                for (index, name) in renamed.enumerated() where index < outputs.names.count { outputs.names[index] = name }
                names.formUnion(outputs.derivedNames)
                if outputs.flags.contains(true), let alias = node.node("alias")?.string("aliasname") {
                    relations.insert(alias.lowercased())
                    derivedRelations.insert(alias.lowercased())
                }
            case "RangeTableSample":
                if let relation = node.node("relation") { addFromItem(relation, flow: flow) }
            default:
                // A function in FROM: its arguments may carry masked data, or
                // the function itself may read it.
                guard flow.derives(node.value, self) else { return }
                unnamedColumnsDerived = true
                // Without an alias, the function's name is the relation's, and
                // a one-column function's column takes that name.
                let calls = node.list("functions").compactMap { ParseNode($0)?.list("items").first.flatMap(ParseNode.init) }
                let functionName = calls.count == 1 ? calls[0].nameParts("funcname").last : nil
                guard let alias = node.node("alias")?.string("aliasname") ?? functionName else {
                    relations.insert("")  // `*` counts
                    return
                }
                relations.insert(alias.lowercased())
                derivedRelations.insert(alias.lowercased())
                names.insert(alias.lowercased())
                names.formUnion(node.node("alias")?.nameParts("colnames").map { $0.lowercased() } ?? [])
            }
        }
    }

    /// The output columns of a SELECT: for each, whether it carries masked
    /// data, and its name.
    struct Outputs {
        var flags: [Bool] = []
        var names: [String] = []
        var hasStar = false
        var derivedNames: Set<String> { Set(zip(flags, names).filter(\.0).map(\.1)) }
    }

    func select(_ node: ParseNode, _ outer: Scope) -> Outputs {
        var scope = scope(addingCTEsOf: node, to: outer)
        if node.string("op").map({ $0 != "SETOP_NONE" }) ?? false {
            let left = node.node("larg").map { select($0, scope) } ?? Outputs()
            let right = node.node("rarg").map { select($0, scope) } ?? Outputs()
            var merged = left
            for (index, flag) in right.flags.enumerated() where index < merged.flags.count { merged.flags[index] = merged.flags[index] || flag }
            merged.hasStar = left.hasStar || right.hasStar
            return merged
        }
        for item in node.nodes("fromClause") { scope.addFromItem(item, flow: self) }
        if case .array(let values) = node["valuesLists"], !values.isEmpty {
            return Outputs(flags: [derives(.array(values), scope)], names: ["column1"], hasStar: true)
        }
        let (flags, hasStar, names) = targets(node.nodes("targetList"), scope)
        return Outputs(flags: flags, names: names, hasStar: hasStar)
    }

    /// `scope` with the CTEs of a statement's WITH clause, each seeing those before it.
    func scope(addingCTEsOf node: ParseNode, to outer: Scope) -> Scope {
        var scope = outer
        scope.names.formUnion(maskedNames)
        for expression in node.node("withClause")?.nodes("ctes") ?? [] { add(expression, to: &scope) }
        return scope
    }

    /// Adds one CTE (`name AS (query)`) to `scope`.
    func add(_ expression: ParseNode, to scope: inout Scope) {
        guard let name = expression.string("ctename")?.lowercased(), let query = expression.node("ctequery") else { return }
        let outputs = query.type == "SelectStmt" ? select(query, scope) : Outputs(flags: [derives(query.value, scope)], names: [])
        let aliases = expression.nameParts("aliascolnames").map { $0.lowercased() }
        let names = aliases.isEmpty ? outputs.names : aliases
        scope.names.formUnion(zip(outputs.flags, names).filter(\.0).map(\.1))
        if outputs.flags.contains(true) { scope.derivedCTEs.insert(name) }
    }

    private func targets(_ list: [ParseNode], _ scope: Scope) -> (flags: [Bool], hasStar: Bool, names: [String]) {
        var flags: [Bool] = [], names: [String] = [], hasStar = false
        for target in list {
            let value = target["val"]
            if let column = value.flatMap(ParseNode.init), column.type == "ColumnRef",
               column.nodes("fields").last?.type == "A_Star" {
                hasStar = true
            }
            flags.append(derives(value, scope))
            names.append((target.string("name") ?? Self.outputName(of: value)).lowercased())
        }
        return (flags, hasStar, names)
    }

    /// The name PostgreSQL gives an unnamed result column, as far as it matters here.
    private static func outputName(of value: TreeValue?) -> String {
        guard let node = ParseNode(value) else { return "?column?" }
        switch node.type {
        case "ColumnRef": return node.nodes("fields").last?.stringValue ?? "?column?"
        case "FuncCall": return node.nameParts("funcname").last ?? "?column?"
        case "TypeCast": return outputName(of: node["arg"])
        default: return "?column?"
        }
    }

    /// Whether an expression (or any JSON value of the tree) reads masked data.
    func derives(_ value: TreeValue?, _ scope: Scope, depth: Int = 0) -> Bool {
        guard let value else { return false }
        guard depth < SQLTreeAnalyzer.maximumDepth else { return true }
        if case .array(let list) = value { return list.contains { derives($0, scope, depth: depth + 1) } }
        guard let node = ParseNode(value) else { return false }
        switch node.type {
        case "ColumnRef":
            let fields = node.nodes("fields")
            if fields.last?.type == "A_Star" {
                guard fields.count >= 2 else { return !scope.relations.isEmpty }
                return fields[fields.count - 2].stringValue.map { scope.relations.contains($0.lowercased()) } ?? true
            }
            let names = fields.compactMap(\.stringValue).map { $0.lowercased() }
            guard let last = names.last else { return false }
            // `email`, `c.email`, `c` alone (the whole row), or any column of
            // a subquery or function computed from masked data.
            if names.count >= 2, scope.derivedRelations.contains(names[names.count - 2]) { return true }
            if names.count == 1, scope.unnamedColumnsDerived { return true }
            return scope.names.contains(last) || (names.count == 1 && scope.relations.contains(last))
        case "FuncCall" where returnsMaskedData(node):
            return true
        case "FuncCall" where node.nameParts("funcname").last?.lowercased() == "count":
            return false  // how many rows, not what they hold
        case "SubLink":
            guard let query = node.node("subselect") else { return false }
            return select(query, scope).flags.contains(true) || derives(node["testexpr"], scope, depth: depth + 1)
        case "SelectStmt":
            return select(node, scope).flags.contains(true)
        default:
            return node.fields.contains { derives($0.value, scope, depth: depth + 1) }
        }
    }
}

extension MaskedDataFlow {
    /// Whether a call's result may hold masked data whatever its arguments:
    /// a user-defined function whose body may read it, or one that runs SQL
    /// given as text.
    func returnsMaskedData(_ call: ParseNode) -> Bool {
        guard let name = call.nameParts("funcname").last?.lowercased() else { return false }
        return catalog.maskedFunctions.contains(name) || Self.runsSQLText(name)
    }

    static func runsSQLText(_ name: String) -> Bool {
        MaskedCode.runsSQLText.contains(name) || MaskedCode.runsSQLTextPrefixes.contains(where: name.hasPrefix)
    }
}

/// Which result columns of a statement are computed from masked data.
struct OutputPlan: Equatable, Sendable {
    /// Per result column, when they map one to one onto the statement's
    /// target list (no `*`, one statement).
    var targets: [Bool]?
    /// Whether any result column may be.
    var anyDerived: Bool

    static let none = OutputPlan(targets: [], anyDerived: false)

    init(targets: [Bool]?, anyDerived: Bool) {
        self.targets = targets
        self.anyDerived = anyDerived
    }

    init(_ outputs: MaskedDataFlow.Outputs) {
        self.init(targets: outputs.hasStar ? nil : outputs.flags, anyDerived: outputs.flags.contains(true))
    }

    init(_ targets: (flags: [Bool], hasStar: Bool, names: [String])) {
        self.init(targets: targets.hasStar ? nil : targets.flags, anyDerived: targets.flags.contains(true))
    }

    /// Whether the result column at `index`, when it is not a plain table
    /// column, is computed from masked data.
    func isDerived(_ index: Int) -> Bool {
        guard let targets else { return anyDerived }
        return index < targets.count ? targets[index] : anyDerived
    }
}
