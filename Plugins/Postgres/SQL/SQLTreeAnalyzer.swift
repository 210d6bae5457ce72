import WardenSQLCore

/// Works out what one statement does from PostgreSQL's parse tree: its
/// class, risk and reason, every table it names, and whether it must be
/// refused whatever the policy says.
///
/// The walk visits every node, so a table or a call is found at any depth
/// and in any position (a subquery in a join, a CTE, a function's argument).
/// Statements nested in others (a data-changing CTE, EXPLAIN ANALYZE's
/// statement, a cursor's query) add their own verdicts where they run.
/// Whatever is not recognised is `unknown`.
struct SQLTreeAnalyzer {
    /// Deeper trees are `unknown` rather than walked: PostgreSQL's grammar
    /// nests a few levels per parenthesis, and the walk must stay bounded.
    static let maximumDepth = 1_000

    private var verdict: SQLVerdict?
    var targets = TargetList()
    /// Why the statement must be refused whatever the rules say.
    private(set) var refusal: String?
    /// The verdict read a constant's value, so another statement of the same
    /// shape (constants replaced) may get a different one.
    private(set) var dependsOnConstants = false
    /// A `DECLARE … BINARY CURSOR` or a binary `COPY … TO`: rows arrive in
    /// binary format, which masking cannot read.
    private(set) var sendsBinaryRows = false
    /// The names of the CTEs visible where the walk is, innermost last.
    private var cteScopes: [Set<String>] = []
    /// False inside what only is planned or stored, not run: EXPLAIN without
    /// ANALYZE, a view's query, a function's body.
    var executing = true
    private var depth = 0

    /// The classification of one top-level statement.
    static func analyze(_ statement: ParseNode) -> (StatementClassification, SQLTreeAnalyzer) {
        var analyzer = SQLTreeAnalyzer()
        analyzer.visitStatement(statement)
        let verdict = analyzer.verdict ?? .unknown("an empty statement")
        let classification = StatementClassification(
            classification: verdict.statementClass, risk: verdict.risk, targets: analyzer.targets.names,
            command: SQLCommandName.of(statement), reason: verdict.reason)
        return (classification, analyzer)
    }

    /// Adds what a part of the statement does. Parts that do not run add
    /// only what is dangerous even then: an unknown statement, a call.
    mutating func include(_ part: SQLVerdict, evenIfNotRun: Bool = false) {
        guard executing || evenIfNotRun || part.statementClass == .unknown else { return }
        verdict = verdict.map { $0.combined(with: part) } ?? part
    }

    mutating func refuse(_ reason: String) {
        if refusal == nil { refusal = reason }
    }

    mutating func readConstant() {
        dependsOnConstants = true
    }

    mutating func noteBinaryRows() {
        sendsBinaryRows = true
    }

    /// A table the statement reads or writes. An unqualified name that a
    /// visible CTE has is that CTE, unless `isWriteTarget`: INSERT, UPDATE,
    /// DELETE and MERGE always name a real table, CTE or not.
    mutating func relation(_ node: ParseNode, isWriteTarget: Bool = false) {
        guard let name = node.relationName else { return }
        if !isWriteTarget, node.isUnqualifiedRelation, cteScopes.contains(where: { $0.contains(name) }) { return }
        targets.add(name, at: node.int("location"))
    }

    /// Walks `body` with `names` visible as CTEs.
    mutating func withCTEs(_ names: Set<String>, _ body: (inout SQLTreeAnalyzer) -> Void) {
        cteScopes.append(names)
        body(&self)
        cteScopes.removeLast()
    }

    /// Walks `body` as something that runs only if the enclosing part runs
    /// and `runs` holds.
    mutating func running(_ runs: Bool, _ body: (inout SQLTreeAnalyzer) -> Void) {
        let outer = executing
        executing = outer && runs
        body(&self)
        executing = outer
    }

    /// Visits every node in a JSON value of the tree.
    mutating func visit(_ value: TreeValue?) {
        guard let value else { return }
        if case .array(let items) = value {
            for item in items { visit(item) }
            return
        }
        guard let node = ParseNode(value) else { return }
        depth += 1
        defer { depth -= 1 }
        guard depth <= Self.maximumDepth else {
            include(.unknown("the statement is nested too deeply to inspect"))
            return
        }
        visitNode(node)
    }

    private mutating func visitNode(_ node: ParseNode) {
        if node.isRelation {
            relation(node)
            visitFields(of: node, except: ["relname", "schemaname", "catalogname"])
        } else if node.type == "FuncCall" {
            functionCall(node)
            visitFields(of: node)
        } else if node.type.hasSuffix("Stmt") {
            visitStatement(node)
        } else if node.type.isEmpty, let kind = node.string("kind"), kind.hasPrefix("VAR_") {
            // An unwrapped VariableSetStmt: `ALTER ROLE … SET`, `ALTER SYSTEM SET`.
            setting(node)
        } else {
            visitFields(of: node)
        }
    }

    /// Visits a node's fields in the order libpg_query writes them, so that
    /// the same tree always gives the same verdict and reason.
    mutating func visitFields(of node: ParseNode, except skipped: Set<String> = []) {
        for field in node.fields where !skipped.contains(field.key) {
            visit(field.value)
        }
    }
}

/// The tables a statement names, each once, in the order they appear in
/// its text (the walk itself goes in no particular order).
struct TargetList {
    private var firstSeen: [String: (location: Int, order: Int)] = [:]

    /// Adds `name`, found at byte `location` of the text (-1 or 0 when the
    /// parser did not say).
    mutating func add(_ name: String, at location: Int) {
        let position = location > 0 ? location : Int.max
        if let known = firstSeen[name] {
            if position < known.location { firstSeen[name] = (position, known.order) }
        } else {
            firstSeen[name] = (position, firstSeen.count)
        }
    }

    var names: [String] {
        firstSeen.sorted { ($0.value.location, $0.value.order) < ($1.value.location, $1.value.order) }.map(\.key)
    }
}
