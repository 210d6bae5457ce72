/// Statements that would put masked values where masking does not follow
/// them, refused on a connection whose rules name columns.
///
/// Masking rewrites values on their way out, found by the column they are
/// read from. A copy is read from another column: `CREATE TABLE t AS SELECT
/// email AS x`, `INSERT INTO notes SELECT email`, `UPDATE notes SET text =
/// (SELECT ssn …)`, `SELECT … INTO`, a view or materialized view created
/// over masked data (the catalog is read when the session starts), `COPY
/// … TO` a file, a setting (`set_config`), a large object or a sequence.
/// Each would show the value in clear the next time it is read.
///
/// A copy into a column that a rule masks is refused too: rules differ
/// (an SSN copied into an `email` column would be masked as an address),
/// and a partial mask of a transformed copy shows what the mask hides
/// (`UPDATE people SET ssn = reverse(ssn)` puts the first digits where
/// `keep: 4` shows them). So on a masked connection a masked value may be
/// read, compared and counted, never written anywhere. Writing values that
/// do not come from masked data (literals, parameters, other columns) is
/// unaffected, even into masked columns.
///
/// For the same reason, statements that change how masked data is found
/// are refused: renaming a masked column, or a table, view, schema or
/// function that holds or returns masked data (rules and the data-flow
/// analysis follow names); computing a column from masked data (`ALTER
/// COLUMN … USING`, a generated column); triggers and rules on tables with
/// masked columns; and code Warden cannot follow (a `DO` block or a new
/// function whose body may read masked data, see ``MaskedCode``).
extension MaskedDataFlow {
    /// Why the statements would copy masked values, or nil.
    func copyRefusal(_ statements: [ParseNode], calls: FunctionCalls, touchesMaskedData: Bool) -> String? {
        if let name = calls.names.filter({ Self.runsSQLText($0) || catalog.unseenSQLFunctions.contains($0) }).min() {
            return "\(name)() runs SQL that Warden cannot read (given as text, built at run time, or in a language "
                + "other than SQL and PL/pgSQL): on a masked connection it could read or copy masked values"
        }
        if touchesMaskedData, let name = calls.storingComputedArguments.min() {
            return "\(name)() would keep a value read from masked columns where masking does not follow it"
        }
        for statement in statements {
            if let reason = copyRefusal(of: statement, Scope(names: maskedNames)) { return reason }
        }
        return nil
    }

    private func copyRefusal(of node: ParseNode, _ outer: Scope) -> String? {
        switch node.type {
        case "SelectStmt", "InsertStmt", "UpdateStmt", "DeleteStmt", "MergeStmt":
            return writeRefusal(node, outer)
        case "CreateTableAsStmt":
            let command = node.string("objtype") == "OBJECT_MATVIEW" ? "CREATE MATERIALIZED VIEW" : "CREATE TABLE AS"
            let target = node.node("into")?.node("rel")?.relationName ?? "a new table"
            guard let query = node.node("query") else { return nil }
            if query.type == "ExecuteStmt" {
                return "\(command) EXECUTE runs a prepared statement whose text is not visible here; "
                    + "on a masked connection it could copy masked values into \(target)"
            }
            if query.type == "SelectStmt", select(query, outer).flags.contains(true) { return Self.copying(command, into: target) }
            return copyRefusal(of: query, outer)
        case "ViewStmt":
            let target = node.node("view")?.relationName ?? "a new view"
            guard let query = node.node("query") else { return nil }
            if select(query, outer).flags.contains(true) { return Self.copying("CREATE VIEW", into: target) }
            return nil
        case "CopyStmt":
            return copyToFileRefusal(node, outer)
        case "ExplainStmt", "PrepareStmt", "DeclareCursorStmt":
            return node.node("query").flatMap { copyRefusal(of: $0, outer) }
        case "RuleStmt":
            if let table = node.node("relation"), let name = table.relationName, holdsMaskedData(table) {
                return "a rule on \(name), which has masked columns, could copy their values"
            }
            return node.nodes("actions").lazy.compactMap { self.copyRefusal(of: $0, outer) }.first
        case "CreateTrigStmt":
            if let table = node.node("relation"), let name = table.relationName, holdsMaskedData(table) {
                return "a trigger on \(name), which has masked columns, could copy their values"
            }
            return callsMaskedFunction(node)
        case "CreateFunctionStmt":
            return codeRefusal(node, command: node.bool("is_procedure") ? "CREATE PROCEDURE" : "CREATE FUNCTION")
        case "DoStmt":
            return codeRefusal(node, command: "DO")
        case "AlterTableStmt":
            return alterTableRefusal(node, outer)
        case "RenameStmt", "AlterObjectSchemaStmt":
            return renameRefusal(node)
        case "DefineStmt", "CreateCastStmt", "CreateConversionStmt", "CreateTransformStmt", "CreateOpClassStmt",
             "AlterOperatorStmt", "CreateEventTrigStmt":
            return callsMaskedFunction(node)
        default:
            return nil
        }
    }

    static func copying(_ command: String, into target: String) -> String {
        "\(command) would write values read from masked columns into \(target); on a masked connection "
            + "a masked value may be read, never copied"
    }

    /// INSERT, UPDATE, MERGE and SELECT INTO, and the data-changing CTEs of
    /// any statement: whether a value they write reads masked data.
    private func writeRefusal(_ node: ParseNode, _ outer: Scope) -> String? {
        // A data-changing CTE sees the CTEs before it, as the statement does.
        var scope = outer
        scope.names.formUnion(maskedNames)
        for expression in node.node("withClause")?.nodes("ctes") ?? [] {
            if let query = expression.node("ctequery"), query.type != "SelectStmt",
               let reason = copyRefusal(of: query, scope) {
                return reason
            }
            add(expression, to: &scope)
        }
        let target = node.node("relation")?.relationName ?? "a table"
        switch node.type {
        case "SelectStmt":
            guard let into = node.node("intoClause") else { return nil }
            guard select(node, outer).flags.contains(true) else { return nil }
            return Self.copying("SELECT INTO", into: into.node("rel")?.relationName ?? "a new table")
        case "InsertStmt":
            if let query = node.node("selectStmt"), select(query, scope).flags.contains(true) {
                return Self.copying("INSERT", into: target)
            }
            if let conflict = node.node("onConflictClause") {
                var inTable = scope
                if let table = node.node("relation") { inTable.addRelation(table, flow: self) }
                if derives(conflict["targetList"], inTable) { return Self.copying("INSERT … ON CONFLICT DO UPDATE", into: target) }
            }
            return nil
        case "UpdateStmt":
            var inTable = scope
            if let table = node.node("relation") { inTable.addRelation(table, flow: self) }
            for item in node.nodes("fromClause") { inTable.addFromItem(item, flow: self) }
            return derives(node["targetList"], inTable) ? Self.copying("UPDATE", into: target) : nil
        case "MergeStmt":
            var inTables = scope
            if let table = node.node("relation") { inTables.addRelation(table, flow: self) }
            if let source = node.node("sourceRelation") { inTables.addFromItem(source, flow: self) }
            let writes = node.nodes("mergeWhenClauses").contains { clause in
                derives(clause["targetList"], inTables) || derives(clause["values"], inTables)
            }
            return writes ? Self.copying("MERGE", into: target) : nil
        default:
            return nil  // DELETE writes nothing but its CTEs'
        }
    }

    /// `COPY … TO` a file or a program (only STDOUT goes through masking).
    private func copyToFileRefusal(_ node: ParseNode, _ outer: Scope) -> String? {
        if let query = node.node("query"), let reason = copyRefusal(of: query, outer) { return reason }
        guard !node.bool("is_from"), node.has("filename") || node.bool("is_program") else { return nil }
        let target = node.bool("is_program") ? "a program" : "a file"
        if let query = node.node("query") {
            return query.type == "SelectStmt" && select(query, outer).flags.contains(true) ? Self.copying("COPY", into: target) : nil
        }
        guard let table = node.node("relation") else { return nil }
        let columns = node.nodes("attlist").compactMap(\.stringValue).map { $0.lowercased() }
        let copies = columns.isEmpty ? holdsMaskedData(table) : columns.contains(where: maskedNames.contains)
        return copies ? Self.copying("COPY", into: target) : nil
    }

    /// ALTER TABLE that computes a column's values from masked data: a
    /// type change's USING, a generated column.
    private func alterTableRefusal(_ node: ParseNode, _ outer: Scope) -> String? {
        var scope = outer
        scope.names.formUnion(maskedNames)
        guard let table = node.node("relation") else { return nil }
        scope.addRelation(table, flow: self)
        let computes = node.nodes("cmds").contains { command in
            ["AT_AlterColumnType", "AT_AddColumn"].contains(command.string("subtype") ?? "") && derives(command["def"], scope)
        }
        guard computes else { return nil }
        return "ALTER TABLE would compute a column of \(table.relationName ?? "a table") from masked columns; "
            + "on a masked connection a masked value may be read, never copied"
    }

    /// Renaming or moving what rules and this analysis find by name.
    private func renameRefusal(_ node: ParseNode) -> String? {
        let kind = node.string("renameType") ?? node.string("objectType") ?? ""
        let moved = node.type == "RenameStmt" ? "renaming" : "moving"
        switch kind {
        case "OBJECT_COLUMN":
            guard let column = node.string("subname"), maskedNames.contains(column.lowercased()) else { return nil }
            return "renaming the masked column \(column) would take its values out of reach of the rules that name it"
        case "OBJECT_TABLE", "OBJECT_VIEW", "OBJECT_MATVIEW", "OBJECT_FOREIGN_TABLE":
            guard let table = node.node("relation"), holdsMaskedData(table) else { return nil }
            return "\(moved) \(table.relationName ?? "a table"), which has masked columns, would hide them from masking"
        case "OBJECT_SCHEMA":
            guard let schema = node.string("subname"), catalog.schemaHoldsMaskedData(schema) else { return nil }
            return "renaming the schema \(schema), which holds masked columns, would hide them from masking"
        case "OBJECT_FUNCTION", "OBJECT_PROCEDURE", "OBJECT_ROUTINE":
            guard let name = node.node("object")?.nameParts("objname").last?.lowercased(),
                  catalog.maskedFunctions.contains(name)
            else { return nil }
            return "\(moved) \(name)(), which may return masked values, would hide it from masking"
        default:
            return nil
        }
    }

    /// A new function's or a DO block's body.
    private func codeRefusal(_ node: ParseNode, command: String) -> String? {
        let options = node.nodes(node.type == "DoStmt" ? "args" : "options")
        let language = options.first { $0.string("defname") == "language" }?.node("arg")?.stringValue
            ?? (node.type == "DoStmt" ? "plpgsql" : "sql")
        let reads: Bool
        if let body = node["sql_body"] {
            // `BEGIN ATOMIC … END`: statements, parsed with the rest.
            reads = self.reads(body, tables: maskedTables(in: body))
        } else {
            let texts = options.filter { $0.string("defname") == "as" }.flatMap { option -> [String] in
                guard let argument = option.node("arg") else { return [] }
                return argument.stringValue.map { [$0] } ?? argument.nameParts("items")
            }
            let words = MaskedCode.words(
                maskedNames: maskedNames, relations: catalog.maskedRelationNames(names: maskedNames),
                functions: catalog.maskedFunctions)
            reads = texts.contains { MaskedCode.mayRead(language: language, body: $0, words: words) }
        }
        guard reads else { return nil }
        return "\(command) would run code that may read masked columns (it names one, or runs SQL built at run time, "
            + "or is not SQL or PL/pgSQL), which could show or copy their values"
    }

    /// A trigger, operator, cast or aggregate that would call a function
    /// that may return masked data, out of sight of the statements that run it.
    private func callsMaskedFunction(_ node: ParseNode) -> String? {
        func names(_ value: TreeValue?) -> [String] {
            if case .array(let list) = value { return list.flatMap(names) }
            guard let node = ParseNode(value) else { return [] }
            if let text = node.stringValue { return [text.lowercased()] }
            return node.fields.flatMap { names($0.value) }
        }
        guard let name = names(node.value).first(where: catalog.maskedFunctions.contains) else { return nil }
        return "a trigger, operator, cast or aggregate calling \(name)(), which may return masked values, would run it "
            + "where masking does not follow its results"
    }

    private func holdsMaskedData(_ table: ParseNode) -> Bool {
        table.relationName.map { catalog.holdsMaskedData($0, names: maskedNames) } ?? false
    }
}

/// The functions a message calls, from one walk of its parse tree.
struct FunctionCalls {
    /// Every function called, lowercased, without its schema.
    private(set) var names: Set<String> = []
    /// Functions that keep or send what they are given (a setting, a large
    /// object, a sequence, a logical message), called with an argument
    /// that is not a constant or a parameter.
    private(set) var storingComputedArguments: Set<String> = []

    static let storing: Set<String> = SQLFunctions.write.union(["set_config", "pg_logical_emit_message", "pg_file_write"])

    init(_ statements: [ParseNode]) {
        statements.forEach { walk($0.value) }
    }

    private mutating func walk(_ value: TreeValue?) {
        if case .array(let list) = value { return list.forEach { walk($0) } }
        guard let node = ParseNode(value) else { return }
        // A FuncCall, or CALL's call of a procedure (not wrapped in its type).
        if node.type == "FuncCall" || (node.type.isEmpty && node.has("funcname") && node.has("funcformat")),
           let name = node.nameParts("funcname").last?.lowercased() {
            names.insert(name)
            if Self.storing.contains(name), !node.list("args").allSatisfy(Self.isConstant) {
                storingComputedArguments.insert(name)
            }
        }
        node.fields.forEach { walk($0.value) }
    }

    private static func isConstant(_ value: TreeValue) -> Bool {
        guard let node = ParseNode(value) else { return false }
        switch node.type {
        case "A_Const", "ParamRef": return true
        case "TypeCast": return node["arg"].map(isConstant) ?? false
        default: return false
        }
    }
}
