import WardenSQLCore

/// The statements that carry queries or other statements: their own verdict,
/// their CTE scopes, and which of their parts run.
extension SQLTreeAnalyzer {
    mutating func visitStatement(_ node: ParseNode) {
        switch node.type {
        case "SelectStmt":
            select(node)
        case "InsertStmt", "UpdateStmt", "DeleteStmt", "MergeStmt":
            dataChange(node)
        case "ExplainStmt":
            explain(node)
        case "PrepareStmt":
            // PREPARE has the class of what it prepares, so a policy can
            // refuse to prepare what it would refuse to run.
            visit(node["query"])
        case "DeclareCursorStmt":
            include(.read("DECLARE CURSOR reads data"))
            if node.int("options") & Self.cursorOptionBinary != 0 { noteBinaryRows() }
            visit(node["query"])
        case "CopyStmt":
            copy(node)
        case "VariableSetStmt":
            setting(node)
        case "CreateTableAsStmt":
            createTableAs(node)
        case "ViewStmt", "RuleStmt", "CreateFunctionStmt", "CreateTrigStmt":
            // Stored, not run: the body counts for its tables and calls only.
            include(SQLStatementKinds.verdict(for: node))
            running(false) { $0.visitFields(of: node) }
        default:
            include(SQLStatementKinds.verdict(for: node))
            if node.type == "DropStmt" { droppedRelations(node) }
            visitFields(of: node)
        }
    }

    /// `CURSOR_OPT_BINARY` in PostgreSQL's parsenodes.h.
    static let cursorOptionBinary = 0x0001

    /// SELECT, VALUES, TABLE and set operations: reads, unless they create a
    /// table (SELECT INTO) or lock rows (FOR UPDATE / FOR SHARE).
    private mutating func select(_ node: ParseNode) {
        withClause(of: node) { analyzer in
            analyzer.include(.read("SELECT reads data"))
            if let into = node.node("intoClause") {
                analyzer.include(SQLVerdict(.ddl, "SELECT INTO creates a table"))
                if let table = into.node("rel") { analyzer.relation(table, isWriteTarget: true) }
            }
            if !node.nodes("lockingClause").isEmpty {
                analyzer.include(SQLVerdict(.write, "SELECT … FOR UPDATE/SHARE locks rows"))
            }
            analyzer.visitFields(of: node, except: ["withClause", "intoClause"])
        }
    }

    /// INSERT, UPDATE, DELETE and MERGE. Their target is always a real
    /// table, even when a CTE has its name (`WITH t AS (…) DELETE FROM t`
    /// deletes from the table t).
    private mutating func dataChange(_ node: ParseNode) {
        withClause(of: node) { analyzer in
            if let target = node.node("relation") {
                analyzer.relation(target, isWriteTarget: true)
                if target.string("relname") == "pg_settings" {
                    analyzer.refuse("writing to pg_settings could change the settings Warden keeps fixed to read statements as the server does")
                }
            }
            analyzer.include(SQLWriteRestriction.verdict(for: node))
            analyzer.visitFields(of: node, except: ["withClause", "relation"])
        }
    }

    /// Visits the CTEs of `node`'s WITH clause, each seeing the ones before
    /// it (all of them if RECURSIVE), then `body` with all of them visible.
    private mutating func withClause(of node: ParseNode, _ body: (inout SQLTreeAnalyzer) -> Void) {
        guard let with = node.node("withClause") else { return body(&self) }
        let expressions = with.nodes("ctes")
        let names = expressions.map { $0.string("ctename") ?? "" }
        let recursive = with.bool("recursive")
        for (index, expression) in expressions.enumerated() {
            let visible = Set(recursive ? names : Array(names[..<index]))
            withCTEs(visible) { $0.visit(expression["ctequery"]) }
        }
        withCTEs(Set(names), body)
    }

    /// `EXPLAIN [ANALYZE] stmt`: with ANALYZE the statement runs; without,
    /// it is only planned, which reads nothing but the catalog.
    private mutating func explain(_ node: ParseNode) {
        let analyze = node.nodes("options").contains { option in
            guard let name = option.string("defname")?.lowercased(), name == "analyze" || name == "analyse" else {
                return false
            }
            return !isFalse(option.node("arg"))
        }
        if !analyze { include(.read("EXPLAIN without ANALYZE only plans the statement")) }
        running(analyze) { $0.visit(node["query"]) }
    }

    /// Whether an option's value is one of PostgreSQL's spellings of false
    /// (`parse_bool` takes unique prefixes). No value means true.
    private mutating func isFalse(_ value: ParseNode?) -> Bool {
        guard let value else { return false }
        readConstant()
        switch value.type {
        case "String":
            let spellings: Set<String> = ["f", "fa", "fal", "fals", "false", "n", "no", "of", "off", "0"]
            return spellings.contains(value.stringValue?.lowercased() ?? "")
        case "Integer":
            return value.int("ival") == 0
        case "Boolean":
            return !value.bool("boolval")
        default:
            return false
        }
    }

    /// `COPY table|(query) FROM|TO STDIN|STDOUT|'file'|PROGRAM 'cmd'`.
    private mutating func copy(_ node: ParseNode) {
        if let table = node.node("relation") { relation(table, isWriteTarget: node.bool("is_from")) }
        visit(node["query"])
        let toFile = node.string("filename") != nil
        let binary = node.nodes("options").contains { $0.string("defname") == "format" && $0.node("arg")?.stringValue == "binary" }
        if binary, !node.bool("is_from") { noteBinaryRows() }
        switch (node.bool("is_program"), node.bool("is_from"), toFile) {
        case (true, _, _):
            include(SQLVerdict(.admin, "COPY … PROGRAM runs a shell command on the database server"))
        case (false, true, true):
            include(SQLVerdict(.write, risk: .high, "COPY FROM a server file loads rows"))
        case (false, true, false):
            include(SQLVerdict(.write, "COPY FROM STDIN loads rows"))
        case (false, false, true):
            include(SQLVerdict(.admin, "COPY TO a file writes on the database server"))
        case (false, false, false):
            include(.read("COPY TO STDOUT reads data"))
        }
    }

    /// `CREATE TABLE … AS`, `SELECT … INTO`'s sibling, and `CREATE
    /// MATERIALIZED VIEW`: the query runs unless `WITH NO DATA`.
    private mutating func createTableAs(_ node: ParseNode) {
        include(SQLStatementKinds.verdict(for: node))
        let into = node.node("into")
        if let table = into?.node("rel") { relation(table, isWriteTarget: true) }
        running(!(into?.bool("skipData") ?? false)) { $0.visit(node["query"]) }
    }

    /// `DROP TABLE a, s.b` names its tables as lists of strings.
    private mutating func droppedRelations(_ node: ParseNode) {
        let relationKinds: Set<String> = [
            "OBJECT_TABLE", "OBJECT_VIEW", "OBJECT_MATVIEW", "OBJECT_INDEX", "OBJECT_SEQUENCE", "OBJECT_FOREIGN_TABLE",
        ]
        guard relationKinds.contains(node.string("removeType") ?? "") else { return }
        for object in node.nodes("objects") where object.type == "List" {
            let parts = object.nameParts("items")
            if !parts.isEmpty { targets.add(parts.joined(separator: "."), at: node.int("location")) }
        }
    }
}
