import WardenSQLCore

/// Each kind of statement, by its leading keywords.
extension MySQLStatementAnalyzer {
    mutating func dispatch() {
        guard !tokens.isEmpty else { return }
        if tokens[0].isSymbol("(") {
            command = "SELECT"
            return include(.read("SELECT reads data"))
        }
        let first = tokens[0].keyword
        switch first {
        case "SELECT":
            command = "SELECT"
            include(.read("SELECT reads data"))
        case "VALUES":
            command = "VALUES"
            include(.read("VALUES reads no table"))
        case "TABLE":
            command = "TABLE"
            include(.read("TABLE reads data"))
            table(at: 1)
        case "WITH":
            with()
        case "INSERT", "REPLACE":
            insert(at: 0)
        case "UPDATE":
            update(at: 0)
        case "DELETE":
            delete(at: 0)
        case "CREATE":
            create()
        case "ALTER":
            alter()
        case "DROP":
            drop()
        case "RENAME":
            rename()
        case "TRUNCATE":
            command = "TRUNCATE"
            include(SQLVerdict(.ddl, "TRUNCATE removes every row"))
            table(at: isWord(1, "TABLE") ? 2 : 1, isWriteTarget: true)
        case "GRANT", "REVOKE":
            accessControl(first)
        case "SET":
            setStatement()
        case "USE":
            command = "USE"
            let database = tokens.count > 1 ? tokens[1].name ?? "?" : "?"
            include(SQLVerdict(.transaction, "USE makes \(database) the default database: bare table names now name its tables"))
        case "SHOW":
            show()
        case "DESCRIBE", "DESC", "EXPLAIN":
            explain()
        case "ANALYZE":
            analyze()
        case "HELP":
            command = "HELP"
            include(.read("HELP reads the server's help tables"))
        case "DO":
            command = "DO"
            include(.read("DO evaluates expressions"))
        case "CALL":
            command = "CALL"
            include(.unknown("CALL runs a procedure whose effects are not visible here"))
        case "HANDLER":
            command = "HANDLER"
            include(.read("HANDLER reads rows of a table by its index, as SELECT would"))
            table(at: 1)
        case "LOAD":
            load()
        case "CACHE":
            administration("CACHE INDEX", "CACHE INDEX assigns a table's indexes to a key cache")
            tableList(from: 2)
        case "LOCK":
            lockTables()
        case "UNLOCK":
            command = "UNLOCK TABLES"
            include(SQLVerdict(.transaction, "UNLOCK TABLES releases table locks"))
        case "BEGIN":
            if isWord(1, "NOT") || syntax.oracleGrammar && tokens.count > 1 && !isWord(1, "WORK") {
                compound("BEGIN")
            } else {
                transaction("BEGIN")
            }
        case "START":
            if isWord(1, "TRANSACTION") {
                transaction("START TRANSACTION")
            } else {
                administration("START \(keyword(1))", "START \(keyword(1)) controls replication")
            }
        case "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE", "XA":
            transaction(first)
        case "PREPARE":
            prepare()
        case "EXECUTE":
            execute()
        case "DEALLOCATE":
            command = "DEALLOCATE PREPARE"
            include(.read("DEALLOCATE PREPARE forgets a prepared statement"))
        case "IF", "CASE", "LOOP", "WHILE", "REPEAT", "FOR":
            compound(first)
        case "DECLARE" where syntax.oracleGrammar:
            compound(first)
        case "SIGNAL", "RESIGNAL":
            command = first
            include(.read("\(first) raises an error"))
        case "GET":
            command = "GET DIAGNOSTICS"
            include(.read("GET DIAGNOSTICS reads the last statement's conditions"))
        case "CHECKSUM":
            command = "CHECKSUM TABLE"
            include(.read("CHECKSUM TABLE reads a table"))
            tableList(from: 2)
        case "OPTIMIZE", "REPAIR", "CHECK":
            maintenance(first)
        case "FLUSH":
            administration("FLUSH", "FLUSH acts on the server's caches, logs, privileges or locks")
            if let tablesAt = find(["TABLE", "TABLES"], from: 1), !isWord(tablesAt + 1, "WITH", "FOR") {
                tableList(from: tablesAt + 1)
            }
        case "KILL":
            // The upstream's thread ids are every Warden session's (one
            // account): the gateway answers its own `KILL [QUERY] <id>` before
            // any classification; every other KILL, however nested, is refused.
            administration(first, Self.administrationReasons[first] ?? "KILL ends another session")
            refuse("KILL takes the connection id Warden gave, on its own: KILL [QUERY|CONNECTION] <id>")
        case "RESET", "PURGE", "SHUTDOWN", "INSTALL", "UNINSTALL", "BACKUP", "CHANGE", "STOP":
            administration(first, Self.administrationReasons[first] ?? "\(first) acts on the server itself")
        case "BINLOG":
            command = "BINLOG"
            include(.unknown("BINLOG applies binary log events whose changes are not visible here"))
        default:
            if tokens[0].isName, isSymbol(1, ":") {
                compound("label")
            } else {
                command = tokens[0].kind == .word ? first : "UNKNOWN"
                include(.unknown("\(command.isEmpty ? "the text" : command) is not a statement Warden knows how to judge"))
            }
        }
    }

    static let administrationReasons: [String: String] = [
        "RESET": "RESET clears the server's logs, caches or replication state",
        "PURGE": "PURGE deletes the server's binary logs",
        "SHUTDOWN": "SHUTDOWN stops the database server",
        "KILL": "KILL ends another session or its statement",
        "INSTALL": "INSTALL loads code into the database server",
        "UNINSTALL": "UNINSTALL removes code from the database server",
        "BACKUP": "BACKUP locks the server for a backup",
        "CHANGE": "CHANGE MASTER changes replication",
        "STOP": "STOP SLAVE stops replication",
    ]

    mutating func administration(_ name: String, _ reason: String) {
        command = name
        include(SQLVerdict(.admin, reason))
    }

    mutating func transaction(_ name: String) {
        command = name
        include(SQLVerdict(.transaction, "\(name) controls the transaction"))
    }

    /// A comma-separated list of tables from `start` (DROP TABLE, CHECK
    /// TABLE, LOCK TABLES, …): a name, then anything up to the next comma.
    mutating func tableList(from start: Int, isWriteTarget: Bool = false) {
        var index = start
        while index < tokens.count, tokens[index].isName {
            index = table(at: index, isWriteTarget: isWriteTarget)
            while index < tokens.count, !(depths[index] == 0 && isSymbol(index, ",")) { index += 1 }
            index += 1
        }
    }

    // MARK: Queries and data changes

    /// `WITH … SELECT`, and a WITH before INSERT, UPDATE or DELETE.
    private mutating func with() {
        var index = 1
        if isWord(index, "RECURSIVE") { index += 1 }
        while index < tokens.count {
            if isSymbol(index, "(") { index = closingParenthesis(index) + 1; continue }
            if depths[index] == 0, tokens[index].kind == .word,
               ["SELECT", "INSERT", "REPLACE", "UPDATE", "DELETE", "VALUES", "TABLE"].contains(tokens[index].keyword),
               !isSymbol(index - 1, ",") {
                break
            }
            index += 1
        }
        switch keyword(index) {
        case "INSERT", "REPLACE": insert(at: index)
        case "UPDATE": update(at: index)
        case "DELETE": delete(at: index)
        case "TABLE":
            command = "TABLE"
            include(.read("TABLE reads data"))
            table(at: index + 1)
        default:
            command = "SELECT"
            include(.read("SELECT reads data"))
        }
    }

    /// `INSERT|REPLACE [options] [INTO] t [PARTITION (…)] [(columns)] {VALUES|SELECT|TABLE|SET} … [ON DUPLICATE KEY UPDATE …]`.
    private mutating func insert(at start: Int) {
        let verb = keyword(start)
        command = verb
        var index = start + 1
        while isWord(index, "LOW_PRIORITY", "DELAYED", "HIGH_PRIORITY", "IGNORE") { index += 1 }
        if isWord(index, "INTO") { index += 1 }
        table(at: index, isWriteTarget: true)
        let fromQuery = find(["FROM"], from: index, depth: 0) != nil || find(["TABLE"], from: index + 1, depth: 0) != nil
        let upsert = find(["DUPLICATE"], from: index, depth: 0) != nil
        if verb == "REPLACE", fromQuery {
            include(SQLVerdict(.write, risk: .high, "REPLACE … SELECT may replace every row of its table"))
        } else if upsert, fromQuery {
            include(SQLVerdict(.write, risk: .high, "INSERT … SELECT … ON DUPLICATE KEY UPDATE may update every row"))
        } else {
            include(SQLVerdict(.write, "\(verb) adds rows"))
        }
        // `INSERT … TABLE t` reads t; `INSERT … SELECT` is found by the walk.
        if let tableAt = find(["TABLE"], from: index + 1, depth: 0) { table(at: tableAt + 1) }
    }

    /// `UPDATE [LOW_PRIORITY] [IGNORE] table_references SET … [WHERE …] [ORDER BY …] [LIMIT …]`.
    private mutating func update(at start: Int) {
        command = "UPDATE"
        var index = start + 1
        while isWord(index, "LOW_PRIORITY", "IGNORE") { index += 1 }
        let (references, end) = tableReferences(from: index)
        for reference in references { writeTarget(reference.name, at: index) }
        // With several tables, the columns SET names say which are written.
        var written = references
        if references.count > 1, isWord(end, "SET") {
            let qualifiers = Set(assignedQualifiers(from: end + 1))
            if !qualifiers.isEmpty, !qualifiers.contains("") {
                written = references.filter { qualifiers.contains($0.alias ?? $0.name) || qualifiers.contains($0.name) }
            }
        }
        include(MySQLWriteRestriction.verdict(
            verb: "UPDATE", written: written, multiTable: references.count > 1, whereClause: whereClause(from: end),
            in: self))
    }

    /// The qualifiers of the columns an UPDATE's SET assigns ("" for an unqualified one).
    private func assignedQualifiers(from start: Int) -> [String] {
        var qualifiers: [String] = []
        var index = start
        var expectColumn = true
        while index < tokens.count, !(depths[index] == 0 && isWord(index, "WHERE", "ORDER", "LIMIT")) {
            if depths[index] == 0, isSymbol(index, ",") { expectColumn = true; index += 1; continue }
            if expectColumn, depths[index] == 0, let name = tokens[index].name {
                if isSymbol(index + 1, "."), let (qualified, _) = qualifiedName(at: index) {
                    qualifiers.append(String(qualified.split(separator: ".").dropLast().last ?? ""))
                } else {
                    qualifiers.append("")
                }
                _ = name
                expectColumn = false
            }
            index += 1
        }
        return qualifiers
    }

    /// The tokens of the WHERE clause at depth 0 after `start`, up to
    /// ORDER BY, LIMIT or RETURNING; nil without WHERE.
    func whereClause(from start: Int) -> Range<Int>? {
        guard let whereAt = find(["WHERE"], from: start, depth: 0) else { return nil }
        let end = find(["ORDER", "LIMIT", "RETURNING"], from: whereAt + 1, depth: 0) ?? tokens.count
        return (whereAt + 1)..<end
    }

    /// The three forms of DELETE:
    /// `DELETE FROM t [WHERE …]`, `DELETE a, b FROM table_references [WHERE …]`
    /// and `DELETE FROM a, b USING table_references [WHERE …]`.
    private mutating func delete(at start: Int) {
        command = "DELETE"
        var index = start + 1
        while isWord(index, "LOW_PRIORITY", "QUICK", "IGNORE") { index += 1 }
        var listed: [(name: String, index: Int)] = []
        var referencesStart: Int
        if isWord(index, "FROM") {
            index += 1
            if let usingAt = find(["USING"], from: index, depth: 0) {
                listed = deleteList(from: index, to: usingAt)
                referencesStart = usingAt + 1
            } else {
                referencesStart = index
            }
        } else {
            guard let fromAt = find(["FROM"], from: index, depth: 0) else {
                return include(.unknown("DELETE without FROM is not a statement Warden knows how to judge"))
            }
            listed = deleteList(from: index, to: fromAt)
            referencesStart = fromAt + 1
        }
        let (references, end) = tableReferences(from: referencesStart)
        let written: [TableReference]
        if listed.isEmpty {
            written = references
            for reference in references { writeTarget(reference.name, at: referencesStart) }
        } else {
            // The listed names are aliases of the references, or tables.
            written = listed.map { entry in
                references.first { ($0.alias ?? $0.name) == entry.name } ?? TableReference(name: entry.name)
            }
            for (entry, reference) in zip(listed, written) { writeTarget(reference.name, at: entry.index) }
        }
        include(MySQLWriteRestriction.verdict(
            verb: "DELETE", written: written, multiTable: !listed.isEmpty || references.count > 1,
            whereClause: whereClause(from: end), in: self))
    }

    /// `a, b.*, db.c` in a multi-table DELETE.
    private func deleteList(from start: Int, to end: Int) -> [(name: String, index: Int)] {
        var names: [(String, Int)] = []
        var index = start
        while index < end {
            if let name = tokens[index].name, isSymbol(index + 1, "."), isSymbol(index + 2, "*") {
                names.append((name, index))
                index += 3
            } else if let (name, next) = qualifiedName(at: index) {
                names.append((name, index))
                index = next
                if isSymbol(index, "."), isSymbol(index + 1, "*") { index += 2 }
            } else {
                index += 1
            }
        }
        return names
    }

    // MARK: Schema

    /// The object a CREATE, ALTER or DROP names after its options, and its index.
    private func objectKind(from start: Int) -> (kind: String, index: Int)? {
        var index = start
        while index < tokens.count {
            let word = keyword(index)
            switch word {
            case "OR", "REPLACE", "TEMPORARY", "UNIQUE", "FULLTEXT", "SPATIAL", "ONLINE", "OFFLINE", "IGNORE",
                 "AGGREGATE", "ALGORITHM", "UNDEFINED", "MERGE", "TEMPTABLE", "SECURITY", "INVOKER", "DEFINER",
                 "SQL", "NONBLOCKING":
                index += 1
                if isSymbol(index, "=") {
                    index += 1
                    // DEFINER = user@host | CURRENT_USER[()] | role
                    index += 1
                    if index < tokens.count, tokens[index].kind == .userVariable { index += 1 }
                    if isSymbol(index, "("), isSymbol(index + 1, ")") { index += 2 }
                }
            default:
                return word.isEmpty ? nil : (word, index)
            }
        }
        return nil
    }

    /// The index after `IF [NOT] EXISTS` at `index`, or `index`.
    func skipIfExists(_ index: Int) -> Int {
        if isWord(index, "IF"), isWord(index + 1, "EXISTS") { return index + 2 }
        if isWord(index, "IF"), isWord(index + 1, "NOT"), isWord(index + 2, "EXISTS") { return index + 3 }
        return index
    }

    /// `VERB kind [IF [NOT] EXISTS] name …` (CREATE, ALTER, DROP): names
    /// the command and returns the object's kind and where its name starts;
    /// nil, and an unknown verdict, for a kind Warden does not know.
    private mutating func objectStatement(_ verb: String) -> (kind: String, nameAt: Int)? {
        guard let (kind, at) = objectKind(from: 1) else {
            command = verb
            include(.unknown("\(verb) of something Warden does not know"))
            return nil
        }
        command = "\(verb) \(kind)"
        return (kind, skipIfExists(at + 1))
    }

    private mutating func create() {
        guard let (kind, nameAt) = objectStatement("CREATE") else { return }
        switch kind {
        case "TABLE":
            include(SQLVerdict(.ddl, "CREATE TABLE creates a table"))
            table(at: nameAt, isWriteTarget: true)
            tableOptions(from: nameAt)
            if let likeAt = find(["LIKE"], from: nameAt, depth: 0) ?? find(["LIKE"], from: nameAt + 1, depth: 1),
               likeAt <= nameAt + 3 || isSymbol(likeAt - 1, "(") {
                table(at: likeAt + 1)
            }
        case "INDEX":
            include(SQLVerdict(.ddl, "CREATE INDEX changes the schema"))
            if let onAt = find(["ON"], from: nameAt, depth: 0) { table(at: onAt + 1, isWriteTarget: true) }
        case "VIEW":
            include(SQLVerdict(.ddl, "CREATE VIEW changes the schema"))
            table(at: nameAt, isWriteTarget: true)
            // The view's query is stored, not run: its tables count, its class does not.
            textRuns = false
        case "PROCEDURE", "FUNCTION", "TRIGGER", "EVENT", "PACKAGE":
            if kind == "FUNCTION", find(["SONAME"], from: nameAt, depth: 0) != nil {
                return include(SQLVerdict(.admin, "CREATE FUNCTION … SONAME loads a shared library into the database server"))
            }
            include(SQLVerdict(.ddl, "CREATE \(kind) stores code that runs later"))
            if kind == "TRIGGER", let onAt = find(["ON"], from: nameAt, depth: 0) { table(at: onAt + 1) }
            body(from: nameAt + 1)
        case "DATABASE", "SCHEMA":
            include(SQLVerdict(.admin, "CREATE \(kind) acts on the whole server"))
        case "USER", "ROLE":
            include(SQLVerdict(.dcl, "CREATE \(kind) changes who may do what"))
        case "SERVER":
            include(SQLVerdict(.admin, "CREATE SERVER lets tables connect to another server"))
        case "SEQUENCE":
            include(SQLVerdict(.ddl, "CREATE SEQUENCE changes the schema"))
            table(at: nameAt, isWriteTarget: true)
        case "TABLESPACE", "LOGFILE":
            include(SQLVerdict(.admin, "CREATE \(kind) acts on the server's files"))
        default:
            include(.unknown("CREATE \(kind) is not a statement Warden knows how to judge"))
        }
    }

    /// Storage engines that read the server's files (CONNECT), or reach
    /// other servers (FEDERATED, SPIDER, S3), and the options that place a
    /// table's files in any directory or name another server.
    static let outwardEngines: Set<String> = ["connect", "federated", "federatedx", "spider", "s3", "cassandra"]

    private mutating func tableOptions(from start: Int) {
        var index = start
        while index < tokens.count {
            defer { index += 1 }
            guard depths[index] == 0, tokens[index].kind == .word else { continue }
            switch tokens[index].keyword {
            case "ENGINE", "TYPE":
                var value = index + 1
                if isSymbol(value, "=") { value += 1 }
                if let engine = tokens.indices.contains(value) ? tokens[value].name ?? tokens[value].stringValue : nil,
                   Self.outwardEngines.contains(engine) {
                    include(SQLVerdict(.admin, "a table of the \(engine.uppercased()) engine reads the server's files or connects to another server"))
                }
            case "CONNECTION", "DIRECTORY", "FILE_NAME":
                include(SQLVerdict(.admin, "a table's \(tokens[index].keyword) option reaches the server's files or another server"))
            default:
                break
            }
        }
    }

    /// The statements of a stored program's or a compound statement's body
    /// from `start`: each statement inside counts as if it ran (a body the
    /// splitter misread must not hide a statement that does run), and its
    /// refusals apply (a stored `SET NAMES` changes the session when called).
    mutating func body(from start: Int) {
        let statementWords: Set<String> = [
            "SELECT", "INSERT", "REPLACE", "UPDATE", "DELETE", "CREATE", "ALTER", "DROP", "RENAME", "TRUNCATE",
            "GRANT", "REVOKE", "SET", "CALL", "PREPARE", "EXECUTE", "DEALLOCATE", "LOAD", "SHOW", "FLUSH", "KILL",
            "INSTALL", "UNINSTALL", "LOCK", "UNLOCK", "START", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE", "XA",
            "HANDLER", "DO", "OPTIMIZE", "REPAIR", "ANALYZE", "CHECK", "PURGE", "RESET", "CHANGE", "SHUTDOWN", "USE",
            "BINLOG", "WITH", "VALUES", "TABLE", "BACKUP", "STOP", "CACHE", "CHECKSUM", "EXPLAIN", "DESCRIBE",
        ]
        let starts: Set<String> = ["BEGIN", "ATOMIC", "THEN", "ELSE", "DO", "LOOP", "REPEAT", "ROW", "DETERMINISTIC",
                                   "SQL", "DATA", "DEFINER", "INVOKER", "SQLEXCEPTION", "SQLWARNING", "FOUND"]
        var index = start
        while index < tokens.count {
            let token = tokens[index]
            let previous = index > 0 ? tokens[index - 1] : token
            let atStart = previous.kind == .semicolon || previous.isSymbol(":") || previous.isSymbol(")")
                || previous.kind == .string || starts.contains(previous.keyword)
            // `DO` after `DO` (an event's body) is the statement DO.
            if token.kind == .word, atStart, statementWords.contains(token.keyword),
               !(token.keyword == "DO" && previous.keyword != "DO" && previous.kind != .semicolon),
               !(token.keyword == "CHECK" && isSymbol(index + 1, "(")) {
                var end = index + 1
                while end < tokens.count, tokens[end].kind != .semicolon { end += 1 }
                includeStatement(index..<end)
                index = end
                continue
            }
            index += 1
        }
    }

    /// A compound statement run at once: `BEGIN NOT ATOMIC … END`, `IF …
    /// END IF`, a loop, or a labelled block.
    private mutating func compound(_ opening: String) {
        switch opening {
        case "BEGIN": command = "BEGIN NOT ATOMIC"
        case "label": command = keyword(2) == "BEGIN" ? "BEGIN NOT ATOMIC" : keyword(2)
        default: command = opening
        }
        include(.unknown("a compound statement (\(command) … END) runs several statements as one"))
        body(from: 1)
    }

    private mutating func alter() {
        guard let (kind, nameAt) = objectStatement("ALTER") else { return }
        switch kind {
        case "TABLE":
            include(SQLVerdict(.ddl, "ALTER TABLE changes the schema"))
            table(at: nameAt, isWriteTarget: true)
            tableOptions(from: nameAt)
            if let renameAt = find(["RENAME"], from: nameAt, depth: 0) {
                var next = renameAt + 1
                if isWord(next, "TO", "AS") { next += 1 }
                if !isWord(next, "COLUMN", "INDEX", "KEY") { table(at: next, isWriteTarget: true) }
            }
        case "DATABASE", "SCHEMA":
            include(SQLVerdict(.admin, "ALTER \(kind) acts on the whole server"))
        case "USER", "ROLE":
            include(SQLVerdict(.dcl, "ALTER \(kind) changes who may do what"))
        case "VIEW":
            include(SQLVerdict(.ddl, "ALTER VIEW changes the schema"))
            table(at: nameAt, isWriteTarget: true)
            textRuns = false
        case "PROCEDURE", "FUNCTION", "EVENT", "PACKAGE":
            include(SQLVerdict(.ddl, "ALTER \(kind) changes stored code"))
            body(from: nameAt + 1)
        case "SEQUENCE":
            include(SQLVerdict(.ddl, "ALTER SEQUENCE changes the schema"))
            table(at: nameAt, isWriteTarget: true)
        case "SERVER", "TABLESPACE", "LOGFILE", "INSTANCE":
            include(SQLVerdict(.admin, "ALTER \(kind) acts on the server itself"))
        default:
            include(.unknown("ALTER \(kind) is not a statement Warden knows how to judge"))
        }
    }

    private mutating func drop() {
        guard let (kind, nameAt) = objectStatement("DROP") else { return }
        switch kind {
        case "TABLE", "TABLES", "VIEW", "SEQUENCE":
            command = kind == "TABLES" ? "DROP TABLE" : command
            include(SQLVerdict(.ddl, "DROP \(kind == "TABLES" ? "TABLE" : kind) changes the schema"))
            tableList(from: nameAt, isWriteTarget: true)
        case "INDEX":
            include(SQLVerdict(.ddl, "DROP INDEX changes the schema"))
            if let onAt = find(["ON"], from: nameAt, depth: 0) { table(at: onAt + 1, isWriteTarget: true) }
        case "PROCEDURE", "FUNCTION", "TRIGGER", "EVENT", "PACKAGE":
            include(SQLVerdict(.ddl, "DROP \(kind) changes the schema"))
        case "DATABASE", "SCHEMA":
            include(SQLVerdict(.admin, "DROP \(kind) removes a whole database"))
        case "USER", "ROLE":
            include(SQLVerdict(.dcl, "DROP \(kind) changes who may do what"))
        case "SERVER", "TABLESPACE", "LOGFILE":
            include(SQLVerdict(.admin, "DROP \(kind) acts on the server itself"))
        case "PREPARE":
            command = "DEALLOCATE PREPARE"
            include(.read("DROP PREPARE forgets a prepared statement"))
        default:
            include(.unknown("DROP \(kind) is not a statement Warden knows how to judge"))
        }
    }

    private mutating func rename() {
        if isWord(1, "USER") {
            command = "RENAME USER"
            return include(SQLVerdict(.dcl, "RENAME USER changes who may do what"))
        }
        command = "RENAME TABLE"
        include(SQLVerdict(.ddl, "RENAME TABLE changes the schema"))
        var index = isWord(1, "TABLE", "TABLES") ? 2 : 1
        while index < tokens.count {
            if tokens[index].isName, !isWord(index, "TO", "WAIT", "NOWAIT") {
                index = table(at: index, isWriteTarget: true)
            } else {
                index += 1
            }
        }
    }

    /// GRANT and REVOKE: the tables of `ON [TABLE] name`, not `*`, `db.*` or routines.
    private mutating func accessControl(_ verb: String) {
        command = verb
        hasExpressions = false
        include(SQLVerdict(.dcl, "\(verb) changes who may do what"))
        guard let onAt = find(["ON"], from: 1, depth: 0) else { return }
        var index = onAt + 1
        if isWord(index, "PROCEDURE", "FUNCTION", "PACKAGE") { return }
        if isWord(index, "TABLE") { index += 1 }
        if !isSymbol(index, "*"), !isWord(index, "TO", "FROM") { table(at: index) }
    }

    // MARK: Reading statements

    private mutating func show() {
        command = "SHOW"
        let words = Set(tokens.prefix(4).map(\.keyword))
        if words.contains("PROCESSLIST") || (words.contains("EXPLAIN") || words.contains("ANALYZE")) && words.contains("FOR")
            || words.contains("BINLOG") || words.contains("RELAYLOG") {
            return include(SQLVerdict(.admin, "SHOW \(keyword(1)) shows other sessions' statements"))
        }
        include(.read("SHOW reads the server's catalog or status"))
        if isWord(1, "CREATE"), isWord(2, "TABLE", "VIEW", "SEQUENCE") { table(at: 3) }
        if let fromAt = find(["FROM", "IN"], from: 1, depth: 0),
           tokens.prefix(fromAt).contains(where: { ["COLUMNS", "FIELDS", "INDEX", "INDEXES", "KEYS"].contains($0.keyword) }),
           let (name, next) = qualifiedName(at: fromAt + 1) {
            if isWord(next, "FROM", "IN"), let database = tokens.indices.contains(next + 1) ? tokens[next + 1].name : nil,
               !name.contains(".") {
                addTarget("\(database).\(name)", at: fromAt + 1)
            } else {
                table(at: fromAt + 1)
            }
        }
    }

    /// DESCRIBE/DESC/EXPLAIN of a table, or of a statement, which is only planned.
    private mutating func explain() {
        var index = 1
        while isWord(index, "EXTENDED", "PARTITIONS", "FORMAT") || isSymbol(index, "=") || (isSymbol(index - 1, "=") && index > 1) {
            index += 1
        }
        if isWord(index, "ANALYZE") {
            command = "EXPLAIN"
            return analyzedStatement(from: index + 1, context: "EXPLAIN ANALYZE runs the statement")
        }
        if isWord(index, "FOR"), isWord(index + 1, "CONNECTION") {
            command = "EXPLAIN"
            return include(SQLVerdict(.admin, "EXPLAIN FOR CONNECTION shows another session's statement"))
        }
        guard isWord(index, "SELECT", "INSERT", "REPLACE", "UPDATE", "DELETE", "WITH", "TABLE", "VALUES") || isSymbol(index, "(") else {
            command = "DESCRIBE"
            include(.read("DESCRIBE reads a table's definition"))
            table(at: index)
            return
        }
        command = "EXPLAIN"
        include(.read("EXPLAIN only plans the statement"))
        textRuns = false
        let outer = executing
        executing = false
        includeStatement(index..<tokens.count)
        executing = outer
    }

    /// `ANALYZE TABLE …` maintains statistics; `ANALYZE [FORMAT=JSON] stmt`
    /// runs the statement and reports its plan.
    private mutating func analyze() {
        var index = 1
        if isWord(index, "NO_WRITE_TO_BINLOG", "LOCAL") { index += 1 }
        if isWord(index, "TABLE", "TABLES") {
            return maintenance("ANALYZE")
        }
        command = "ANALYZE"
        if isWord(index, "FORMAT") { index += 3 }
        analyzedStatement(from: index, context: "ANALYZE runs the statement")
    }

    private mutating func analyzedStatement(from index: Int, context: String) {
        includeStatement(index..<tokens.count, context: context)
    }

    /// OPTIMIZE, REPAIR, ANALYZE and CHECK TABLE: like VACUUM and ANALYZE in
    /// PostgreSQL they maintain the server's storage and statistics (REPAIR
    /// can drop rows it cannot read), so they are admin.
    private mutating func maintenance(_ verb: String) {
        command = "\(verb) TABLE"
        include(SQLVerdict(.admin, "\(verb) TABLE maintains the server's storage"))
        var index = 1
        while isWord(index, "NO_WRITE_TO_BINLOG", "LOCAL") { index += 1 }
        if isWord(index, "TABLE", "TABLES") { index += 1 }
        tableList(from: index)
    }

    /// `LOAD DATA|XML [LOCAL] INFILE …` and `LOAD INDEX INTO CACHE`.
    private mutating func load() {
        if isWord(1, "INDEX") {
            administration("LOAD INDEX", "LOAD INDEX INTO CACHE preloads indexes into a key cache")
            return tableList(from: 4)
        }
        command = isWord(1, "XML") ? "LOAD XML" : "LOAD DATA"
        if let intoAt = find(["INTO"], from: 1, depth: 0) {
            table(at: isWord(intoAt + 1, "TABLE") ? intoAt + 2 : intoAt + 1, isWriteTarget: true)
        }
        if let localAt = find(["LOCAL"], from: 1, depth: 0), let infileAt = find(["INFILE"], from: 1, depth: 0),
           localAt < infileAt {
            include(SQLVerdict(.write, risk: .high, "\(command) LOCAL loads rows from a file of the client"))
            refuse("\(command) LOCAL is refused: the server would ask for a file from the client, and Warden never sends one")
        } else {
            include(SQLVerdict(.admin, "\(command) INFILE reads a file on the database server"))
            refuse("\(command) INFILE is refused: it reads a file on the database server")
        }
    }

    /// `LOCK TABLE[S] t [[AS] a] READ [LOCAL] | [LOW_PRIORITY] WRITE [CONCURRENT], …`.
    private mutating func lockTables() {
        command = "LOCK TABLES"
        include(SQLVerdict(.write, "LOCK TABLES takes table locks that block writers"))
        tableList(from: isWord(1, "TABLE", "TABLES") ? 2 : 1)
    }

    // MARK: Prepared statements

    /// `PREPARE name FROM 'text'`: the class of what it prepares, so that a
    /// policy can refuse to prepare what it would refuse to run.
    private mutating func prepare() {
        command = "PREPARE"
        guard let fromAt = find(["FROM"], from: 1, depth: 0) else {
            return include(.unknown("PREPARE without FROM is not a statement Warden knows how to judge"))
        }
        preparedText(from: fromAt + 1, context: "PREPARE")
    }

    /// `EXECUTE name` runs a statement whose text was prepared before;
    /// `EXECUTE IMMEDIATE 'text'` runs the text now.
    private mutating func execute() {
        if isWord(1, "IMMEDIATE") {
            command = "EXECUTE IMMEDIATE"
            return preparedText(from: 2, context: "EXECUTE IMMEDIATE")
        }
        command = "EXECUTE"
        include(.unknown("EXECUTE runs a prepared statement whose text is not visible here"))
    }

    /// The text of PREPARE or EXECUTE IMMEDIATE at `start`: one literal
    /// (adjacent strings joined, an introducer allowed), read with this
    /// connection's syntax. Anything else (`@var`, CONCAT(…)) is not visible.
    private mutating func preparedText(from start: Int, context: String) {
        let end = isWord(tokens.count - 2, "USING") ? tokens.count - 2 : (find(["USING"], from: start, depth: 0) ?? tokens.count)
        dependsOnConstants = true
        for index in start..<end where tokens[index].kind == .word && tokens[index].value.first == UInt8(ascii: "_") {
            let introducer = String(decoding: tokens[index].value, as: UTF8.self).lowercased()
            guard MySQLPinnedSettings.allowedIntroducers.contains(introducer) else {
                return refuse("\(context) of a text in another character set (\(introducer)) is refused: the server converts it before it reads it, so Warden cannot read it as the server will")
            }
        }
        guard let text = literalText(start..<end) else {
            return include(.unknown("\(context) of a statement whose text is not a literal: what it runs is not visible here"))
        }
        guard nesting < Self.maximumNesting else {
            return include(.unknown("\(context) nests prepared texts too deeply to inspect"))
        }
        let inner = MySQLClassifier.classify(text, syntax: syntax, nesting: nesting + 1)
        if inner.statements.isEmpty { include(.read("\(context) of an empty text")) }
        for statement in inner.statements {
            include(statement, refusal: nil, at: start, context: context)
        }
        if let innerRefusal = inner.refusal { refuse(innerRefusal) }
    }

    /// The bytes of a literal spanning `range`: strings (adjacent ones
    /// joined, each optionally after a `_charset` introducer), a national
    /// string, or a hexadecimal literal.
    func literalText(_ range: Range<Int>) -> [UInt8]? {
        var bytes: [UInt8] = []
        var index = range.lowerBound
        var found = false
        while index < range.upperBound {
            let token = tokens[index]
            if token.kind == .word, token.value.first == UInt8(ascii: "_"), index + 1 < range.upperBound,
               [.string, .hexLiteral].contains(tokens[index + 1].kind) {
                index += 1
                continue
            }
            switch token.kind {
            case .string, .nationalString:
                bytes += token.value
            case .hexLiteral where !found:
                guard let decoded = Self.hexBytes(token.value) else { return nil }
                bytes += decoded
            default:
                return nil
            }
            found = true
            index += 1
        }
        return found ? bytes : nil
    }

    static func hexBytes(_ digits: [UInt8]) -> [UInt8]? {
        guard digits.count % 2 == 0 else { return nil }
        func value(_ c: UInt8) -> UInt8? {
            switch c {
            case 0x30...0x39: c - 0x30
            case 0x41...0x46: c - 0x41 + 10
            case 0x61...0x66: c - 0x61 + 10
            default: nil
            }
        }
        var bytes: [UInt8] = []
        var index = 0
        while index < digits.count {
            guard let high = value(digits[index]), let low = value(digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }
}
