import WardenSQLCore

/// Works out what one statement does from its tokens: its class, risk and
/// reason, the tables it names, and whether it must be refused whatever
/// the policy says.
///
/// The statement's kind comes from its leading keywords
/// (``MySQLStatementAnalyzer/dispatch()``); then one walk over every token
/// finds what can hide anywhere in it: function calls, subqueries' tables,
/// `INTO OUTFILE`, locking reads, sequence calls. Statements nested in
/// others (PREPARE's text, ANALYZE's statement, a compound statement's
/// body) add their own verdicts. Whatever is not recognised is `unknown`.
struct MySQLStatementAnalyzer {
    /// PREPARE texts nested deeper than this are `unknown` rather than read.
    static let maximumNesting = 8
    /// Statements with parentheses nested deeper than this are `unknown`
    /// rather than read: the readers of joins and conditions recurse into them.
    static let maximumDepth = 500

    let tokens: [MySQLToken]
    let syntax: MySQLSyntax
    let nesting: Int
    /// The parenthesis depth of each token (a parenthesis has the outer depth).
    let depths: [Int]
    private(set) var verdict: SQLVerdict?
    private var targetPositions: [String: Int] = [:]
    private(set) var refusal: String?
    /// The verdict read a literal's value (a prepared text, a character set
    /// or sql_mode given as a string), so another statement of the same
    /// normalized shape may get a different one.
    var dependsOnConstants = false
    /// The syntax a session `SET sql_mode = literal` at the top level sets;
    /// the classifier refuses it unless its caller follows the change.
    var changedSyntax: MySQLSyntax?
    /// A sql_mode was assigned already in this statement.
    var assignsSQLMode = false
    var command = "UNKNOWN"
    /// False inside what is only planned or stored, not run: EXPLAIN's
    /// statement, a view's query.
    var executing = true
    /// False when the statement's own text is only planned or stored
    /// (EXPLAIN, CREATE VIEW): the walk over it then adds only calls.
    var textRuns = true
    /// False for statements that hold no expressions (GRANT, REVOKE),
    /// whose privilege names (`SELECT`) are not queries.
    var hasExpressions = true
    private var ctes: [CTE] = []

    /// A common table expression's name and the tokens where it is visible.
    private struct CTE {
        var name: String
        var visible: Range<Int>
    }

    init(tokens: [MySQLToken], syntax: MySQLSyntax, nesting: Int) {
        self.tokens = tokens
        self.syntax = syntax
        self.nesting = nesting
        var depths: [Int] = []
        var depth = 0
        for token in tokens {
            if token.isSymbol(")") { depth = max(0, depth - 1) }
            depths.append(depth)
            if token.isSymbol("(") { depth += 1 }
        }
        self.depths = depths
    }

    /// The classification of one statement, and the refusal it calls for.
    static func analyze(_ tokens: ArraySlice<MySQLToken>, syntax: MySQLSyntax, nesting: Int = 0)
        -> (StatementClassification, refusal: String?)
    {
        let analyzer = analyzer(for: tokens, syntax: syntax, nesting: nesting)
        return (analyzer.classification, analyzer.refusal)
    }

    /// The analyzer after it has judged `tokens`.
    static func analyzer(for tokens: ArraySlice<MySQLToken>, syntax: MySQLSyntax, nesting: Int = 0)
        -> MySQLStatementAnalyzer
    {
        var analyzer = MySQLStatementAnalyzer(tokens: Array(tokens), syntax: syntax, nesting: nesting)
        if analyzer.depths.contains(where: { $0 > maximumDepth }) {
            analyzer.command = analyzer.tokens.first?.keyword ?? "UNKNOWN"
            analyzer.include(.unknown("the statement is nested too deeply to inspect"))
            return analyzer
        }
        analyzer.collectCTEs()
        analyzer.dispatch()
        analyzer.executing = analyzer.textRuns
        if analyzer.hasExpressions { analyzer.scanExpressions(0..<analyzer.tokens.count) }
        return analyzer
    }

    var classification: StatementClassification {
        let verdict = verdict ?? .unknown("\(command) is not a statement Warden knows how to judge")
        let targets = targetPositions.sorted { ($0.value, $0.key) < ($1.value, $1.key) }.map(\.key)
        return StatementClassification(
            classification: verdict.statementClass, risk: verdict.risk, targets: targets, command: command,
            reason: verdict.reason)
    }

    // MARK: Recording

    /// Adds what a part of the statement does. Parts that do not run add
    /// only what is dangerous even then: an unknown statement, a call.
    mutating func include(_ part: SQLVerdict, evenIfNotRun: Bool = false) {
        guard executing || evenIfNotRun || part.statementClass == .unknown else { return }
        verdict = verdict.map { $0.combined(with: part) } ?? part
    }

    mutating func refuse(_ reason: String) {
        if refusal == nil { refusal = reason }
    }

    /// A table named at token `index`.
    mutating func addTarget(_ name: String, at index: Int) {
        if let known = targetPositions[name], known <= index { return }
        targetPositions[name] = index
    }

    /// A table the statement writes or changes: one of the mysql system
    /// database holds accounts, privileges and server settings.
    mutating func writeTarget(_ name: String, at index: Int) {
        addTarget(name, at: index)
        if name.hasPrefix("mysql.") {
            include(SQLVerdict(.dcl, "writing to the mysql system database changes accounts, privileges or server settings"))
        }
    }

    /// Adds another statement's classification (a nested or prepared one).
    mutating func include(_ inner: StatementClassification, refusal innerRefusal: String?, at index: Int,
                          context: String? = nil) {
        let part = SQLVerdict(inner.classification, risk: inner.risk, inner.reason)
        include(context.map { part.explained(by: $0) } ?? part)
        for target in inner.targets { addTarget(target, at: index) }
        if let innerRefusal { refuse(innerRefusal) }
    }

    /// Classifies `range` as a statement of its own and adds its verdict.
    mutating func includeStatement(_ range: Range<Int>, context: String? = nil) {
        guard !range.isEmpty else { return include(.unknown("\(context ?? command) has no statement")) }
        // ANALYZE ANALYZE … and SET STATEMENT … FOR SET STATEMENT … nest without
        // end: 6,000 levels overflowed the stack (red team, MySQL round 1).
        guard nesting < Self.maximumNesting else {
            return include(.unknown("\(context ?? command) nests statements too deeply to inspect"))
        }
        let inner = Self.analyzer(for: tokens[range], syntax: syntax, nesting: nesting + 1)
        include(inner.classification, refusal: inner.refusal, at: range.lowerBound, context: context)
        if inner.dependsOnConstants { dependsOnConstants = true }
    }

    // MARK: Token helpers

    func keyword(_ index: Int) -> String {
        index >= 0 && index < tokens.count ? tokens[index].keyword : ""
    }

    func isWord(_ index: Int, _ words: String...) -> Bool {
        index >= 0 && index < tokens.count && words.contains(tokens[index].keyword) && tokens[index].kind == .word
    }

    func isSymbol(_ index: Int, _ symbol: String) -> Bool {
        index >= 0 && index < tokens.count && tokens[index].isSymbol(symbol)
    }

    /// The index of the parenthesis that closes the one at `index`.
    func closingParenthesis(_ index: Int) -> Int {
        let depth = depths[index]
        var current = index + 1
        while current < tokens.count {
            if tokens[current].isSymbol(")"), depths[current] == depth { return current }
            current += 1
        }
        return tokens.count
    }

    /// The first index from `index` with one of `words` at parenthesis depth `depth`.
    func find(_ words: Set<String>, from index: Int, depth: Int? = nil) -> Int? {
        let depth = depth ?? (index < depths.count ? depths[index] : 0)
        var current = index
        while current < tokens.count, depths[current] >= depth {
            if depths[current] == depth, tokens[current].kind == .word, words.contains(tokens[current].keyword) {
                return current
            }
            current += 1
        }
        return nil
    }

    /// A possibly qualified name at `index` (`t`, `db.t`, `` `db`.`t` ``,
    /// `db . t`): the lowercased name and the index after it.
    func qualifiedName(at index: Int) -> (name: String, next: Int)? {
        guard index < tokens.count, let first = tokens[index].name else { return nil }
        var parts = [first]
        var next = index + 1
        while isSymbol(next, "."), next + 1 < tokens.count, let part = tokens[next + 1].name {
            parts.append(part)
            next += 2
        }
        if isSymbol(next, "."), isSymbol(next + 1, "*") { return nil }  // `db.*`
        return (parts.joined(separator: "."), next)
    }

    /// Records the table named at `index`, unless it is a visible CTE or
    /// `DUAL`; returns the index after the name.
    @discardableResult
    mutating func table(at index: Int, isWriteTarget: Bool = false) -> Int {
        // `.t` (ODBC) names the table t of the current database, wherever a table goes.
        if index + 1 < tokens.count, tokens[index].isSymbol("."), tokens[index + 1].isName {
            return table(at: index + 1, isWriteTarget: isWriteTarget)
        }
        guard let (name, next) = qualifiedName(at: index) else { return index + 1 }
        if tokens[index].kind == .word, name == "dual", next == index + 1 { return next }
        let unqualified = next == index + 1
        if !isWriteTarget, unqualified, ctes.contains(where: { $0.name == name && $0.visible.contains(index) }) {
            return next
        }
        if isWriteTarget { writeTarget(name, at: index) } else { addTarget(name, at: index) }
        // Bare names too: after USE information_schema, `processlist` is that
        // table (red team, MySQL round 1); a table of one's own so named is
        // judged the same, which only ever refuses more.
        let bare = name.split(separator: ".").last.map(String.init) ?? name
        if Self.otherSessionsTables.contains(name) || Self.otherSessionsTables.contains(where: { $0.hasSuffix(".\(bare)") }) {
            include(SQLVerdict(.admin, "\(name) shows other sessions' statements"), evenIfNotRun: true)
        }
        return next
    }

    /// Tables that show every session's statement text: every session of a
    /// connection is the same upstream account, so they show other people's
    /// statements (as PostgreSQL's pg_stat_get_activity).
    static let otherSessionsTables: Set<String> = [
        "information_schema.processlist", "performance_schema.processlist", "performance_schema.threads",
        "performance_schema.events_statements_current", "performance_schema.events_statements_history",
        "performance_schema.events_statements_history_long", "sys.processlist", "sys.x$processlist",
        "sys.session", "sys.x$session",
    ]

    // MARK: CTEs

    /// Finds every `WITH [RECURSIVE] name [(columns)] AS (…)` list: each
    /// name is visible in the CTEs after it (all of them if RECURSIVE) and
    /// in the query the WITH belongs to, up to the parenthesis around it.
    mutating func collectCTEs() {
        for index in tokens.indices where tokens[index].isWord("WITH") {
            var current = index + 1
            let recursive = isWord(current, "RECURSIVE")
            if recursive { current += 1 }
            let depth = depths[index]
            var scopeEnd = index + 1
            while scopeEnd < tokens.count, depths[scopeEnd] >= depth { scopeEnd += 1 }
            var found: [CTE] = []
            while let name = tokens.indices.contains(current) ? tokens[current].name : nil {
                current += 1
                if isSymbol(current, "(") { current = closingParenthesis(current) + 1 }
                guard isWord(current, "AS"), isSymbol(current + 1, "(") else { break }
                let close = closingParenthesis(current + 1)
                found.append(CTE(name: name, visible: (recursive ? index : close)..<scopeEnd))
                current = close + 1
                guard isSymbol(current, ",") else { break }
                current += 1
            }
            ctes.append(contentsOf: found)
        }
    }

    // MARK: Table references

    /// Words that end a list of table references at its depth.
    static let clauseWords: Set<String> = [
        "WHERE", "GROUP", "HAVING", "ORDER", "LIMIT", "WINDOW", "UNION", "EXCEPT", "INTERSECT", "INTO", "FOR", "LOCK",
        "PROCEDURE", "SET", "RETURNING", "OFFSET", "FETCH", "VALUES", "VALUE", "SELECT", "WITH", "READ", "WRITE",
    ]

    /// Words that may follow a table name and are not its alias.
    static let notAliases: Set<String> = clauseWords.union([
        "ON", "USING", "JOIN", "INNER", "LEFT", "RIGHT", "CROSS", "NATURAL", "STRAIGHT_JOIN", "FULL", "OUTER",
        "PARTITION", "USE", "IGNORE", "FORCE", "TO", "AS", "LOW_PRIORITY", "TABLE", "DO", "FROM",
    ])

    struct TableReference {
        var name: String
        var alias: String?
    }

    /// Reads the table references starting at `start` (after FROM, JOIN,
    /// UPDATE, USING) up to a clause word at the same depth; records each
    /// table and returns them with their aliases, and the index after them.
    @discardableResult
    mutating func tableReferences(from start: Int) -> (references: [TableReference], end: Int) {
        guard start < tokens.count else { return ([], start) }
        let depth = depths[start]
        var references: [TableReference] = []
        var index = start
        var expectFactor = true
        while index < tokens.count, depths[index] >= depth {
            let token = tokens[index]
            if depths[index] > depth { index += 1; continue }
            if token.kind == .semicolon || token.isSymbol(")") { break }
            // A group that is no table factor — `ON (…)`, `USING (…)`, a
            // function's arguments, `USE INDEX (…)`, JSON_TABLE(…) — is passed
            // whole: its `)` does not end the list (red team, MySQL round 1:
            // every table after it was no target).
            if token.isSymbol("("), !expectFactor {
                index = closingParenthesis(index) + 1
                continue
            }
            // ODBC's `{OJ a LEFT OUTER JOIN b ON …}` is a join like any other.
            if token.isSymbol("{") {
                index += isWord(index + 1, "OJ") ? 2 : 1
                expectFactor = true
                continue
            }
            if token.isSymbol("}") { index += 1; continue }
            // `.t` names the table t of the current database.
            if token.isSymbol("."), expectFactor, index + 1 < tokens.count, tokens[index + 1].isName {
                index += 1
                continue
            }
            if token.kind == .word, Self.clauseWords.contains(token.keyword) { break }
            if token.isWord("ON"), isWord(index + 1, "DUPLICATE") { break }
            if token.isWord("USING"), !isSymbol(index + 1, "(") { break }
            if token.isSymbol(",") || token.isWord("JOIN") || token.isWord("STRAIGHT_JOIN") {
                expectFactor = true
                index += 1
                continue
            }
            if token.isWord("ON") || token.isWord("USING") {
                expectFactor = false
                index += 1
                continue
            }
            guard expectFactor else { index += 1; continue }
            expectFactor = false
            if token.isSymbol("(") {
                let close = closingParenthesis(index)
                if !isQuery(at: index + 1) {
                    // A nested join: `(a JOIN b ON …)`.
                    references += tableReferences(from: index + 1).references
                }
                index = close + 1
                if let alias = alias(at: index) { index = alias.next }
                continue
            }
            guard token.isName, !(token.kind == .word && ["LATERAL", "JSON_TABLE"].contains(token.keyword)) else {
                index += 1
                continue
            }
            if let (name, next) = qualifiedName(at: index), !isSymbol(next, "(") {
                table(at: index)
                var reference = TableReference(name: name)
                index = next
                // `t PARTITION (p0)`, `t FOR SYSTEM_TIME …` come before the alias.
                if isWord(index, "PARTITION"), isSymbol(index + 1, "(") { index = closingParenthesis(index + 1) + 1 }
                if let alias = alias(at: index) {
                    reference.alias = alias.name
                    index = alias.next
                }
                references.append(reference)
            } else {
                index += 1
            }
        }
        return (references, index)
    }

    /// `[AS] alias` at `index`.
    func alias(at index: Int) -> (name: String, next: Int)? {
        if isWord(index, "AS"), let name = tokens.indices.contains(index + 1) ? tokens[index + 1].name : nil {
            return (name, index + 2)
        }
        guard index < tokens.count else { return nil }
        let token = tokens[index]
        if token.kind == .quotedName { return (token.name ?? "", index + 1) }
        if token.kind == .word, !Self.notAliases.contains(token.keyword) { return (token.name ?? "", index + 1) }
        return nil
    }

    /// Whether a query (a subquery, a derived table) starts at `index`.
    func isQuery(at index: Int) -> Bool {
        var current = index
        while isSymbol(current, "(") { current += 1 }
        return isWord(current, "SELECT", "WITH", "VALUES", "TABLE")
    }

    // MARK: The walk over every token

    /// Finds, anywhere in `range`: calls of dangerous functions, sequence
    /// changes, the tables of every query's FROM, `INTO OUTFILE`/`DUMPFILE`,
    /// and locking reads.
    mutating func scanExpressions(_ range: Range<Int>) {
        // Whether a SELECT was seen at each parenthesis depth, so that FROM
        // introduces tables (not `EXTRACT(YEAR FROM d)` or `SHOW … FROM db`).
        var selectAt: [Int: Bool] = [:]
        for index in range {
            let token = tokens[index]
            let depth = depths[index]
            if token.isSymbol("(") { selectAt[depth + 1] = false }
            switch token.kind {
            case .word, .quotedName:
                let word = token.keyword
                if isSymbol(index + 1, "("), !isSymbol(index - 1, "."), let name = token.name {
                    call(name, at: index)
                }
                switch word {
                case "SELECT":
                    selectAt[depth] = true
                case "FROM" where selectAt[depth] == true:
                    tableReferences(from: index + 1)
                case "INTO" where isWord(index + 1, "OUTFILE", "DUMPFILE"):
                    include(SQLVerdict(.admin, "SELECT … INTO \(keyword(index + 1)) writes a file on the database server"))
                    refuse("SELECT … INTO \(keyword(index + 1)) is refused: it writes a file on the database server")
                case "FOR" where isWord(index + 1, "UPDATE") && selectAt[depth] == true:
                    include(SQLVerdict(.write, "SELECT … FOR UPDATE locks rows"))
                case "LOCK" where isWord(index + 1, "IN") && isWord(index + 2, "SHARE"):
                    include(SQLVerdict(.write, "SELECT … LOCK IN SHARE MODE locks rows"))
                case "NEXT" where isWord(index + 1, "VALUE") && isWord(index + 2, "FOR"),
                     "PREVIOUS" where isWord(index + 1, "VALUE") && isWord(index + 2, "FOR"):
                    if word == "NEXT" { include(SQLVerdict(.write, "NEXT VALUE FOR changes a sequence"), evenIfNotRun: true) }
                    table(at: index + 3)
                default:
                    break
                }
            default:
                break
            }
        }
    }

    /// A call of `name` at `index` (followed by its parenthesis).
    private mutating func call(_ name: String, at index: Int) {
        if let verdict = MySQLFunctions.verdict(forFunction: name) { include(verdict, evenIfNotRun: true) }
        if ["nextval", "setval", "lastval"].contains(name) { table(at: index + 2) }
    }
}
