import WardenSQLCore

/// SET in all its forms: system and user variables, NAMES and CHARACTER
/// SET, PASSWORD, ROLE, TRANSACTION, and SET STATEMENT … FOR.
extension MySQLStatementAnalyzer {
    mutating func setStatement() {
        command = "SET"
        var index = 1
        if isWord(1, "STATEMENT") { return setStatementFor() }
        if isWord(index, "GLOBAL", "SESSION", "LOCAL"), isWord(index + 1, "TRANSACTION") {
            command = "SET TRANSACTION"
            if isWord(index, "GLOBAL") { return include(SQLVerdict(.admin, "SET GLOBAL TRANSACTION changes every new session")) }
            return include(SQLVerdict(.transaction, "SET TRANSACTION controls the transaction"))
        }
        switch keyword(index) {
        case "TRANSACTION":
            command = "SET TRANSACTION"
            return include(SQLVerdict(.transaction, "SET TRANSACTION controls the transaction"))
        case "PASSWORD":
            command = "SET PASSWORD"
            return include(SQLVerdict(.dcl, "SET PASSWORD changes an account's password"))
        case "ROLE":
            command = "SET ROLE"
            return include(SQLVerdict(.dcl, "SET ROLE changes the role the session acts as"))
        case "DEFAULT" where isWord(index + 1, "ROLE"):
            command = "SET DEFAULT ROLE"
            return include(SQLVerdict(.dcl, "SET DEFAULT ROLE changes the role an account acts as"))
        default:
            break
        }
        // A list of assignments; a scope keyword holds for the ones after it.
        var global = false
        while index < tokens.count {
            let end = assignmentEnd(from: index)
            assignment(index..<end, global: &global)
            index = end + 1
        }
        if verdict == nil { include(.read("SET assigns variables")) }
    }

    /// The index of the comma that ends the assignment at `start`, or the end.
    private func assignmentEnd(from start: Int) -> Int {
        var index = start
        while index < tokens.count, !(depths[index] == 0 && isSymbol(index, ",")) { index += 1 }
        return index
    }

    /// One assignment of a SET list.
    private mutating func assignment(_ range: Range<Int>, global: inout Bool) {
        var index = range.lowerBound
        guard index < range.upperBound else { return include(.unknown("SET with an empty assignment")) }
        if isWord(index, "NAMES") {
            return characterSet(names: true, valueAt: index + 1, end: range.upperBound)
        }
        if isWord(index, "CHARSET") || isWord(index, "CHARACTER") && isWord(index + 1, "SET") {
            return characterSet(names: false, valueAt: index + (isWord(index, "CHARSET") ? 1 : 2), end: range.upperBound)
        }
        if tokens[index].kind == .userVariable {
            return include(.read("SET @variable assigns a user variable"))
        }
        // [GLOBAL|SESSION|LOCAL] name, or @@[global.|session.|local.]name.
        if isWord(index, "GLOBAL", "SESSION", "LOCAL"), !isSymbol(index + 1, "="), !isSymbol(index + 1, ":=") {
            global = isWord(index, "GLOBAL")
            index += 1
        } else if tokens[index].kind == .systemVariableMarker {
            index += 1
            if isWord(index, "GLOBAL", "SESSION", "LOCAL"), isSymbol(index + 1, ".") {
                global = isWord(index, "GLOBAL")
                index += 2
            } else {
                global = false
            }
        }
        if isWord(index, "PERSIST", "PERSIST_ONLY") {
            global = true
            index += 1
        }
        guard let (name, next) = qualifiedName(at: index) else {
            return include(.unknown("SET of something that is not a variable Warden can read"))
        }
        guard isSymbol(next, "=") || isSymbol(next, ":=") else {
            return include(.unknown("SET \(name) without = is not a statement Warden knows how to judge"))
        }
        let value = (next + 1)..<range.upperBound
        systemVariable(name, value: value, global: global)
    }

    /// The value of a SET of a system variable.
    private mutating func systemVariable(_ name: String, value: Range<Int>, global: Bool) {
        if MySQLPinnedSettings.characterSetVariables.contains(name) {
            checkCharacterSet(variable: name, value: value)
        } else if name == "sql_mode" {
            checkSQLMode(value: value, global: global)
        }
        if global {
            return include(SQLVerdict(.admin, "SET GLOBAL \(name) changes the whole server"))
        }
        if MySQLPinnedSettings.adminVariables.contains(name) {
            return include(SQLVerdict(.admin, "SET \(name) bypasses the server's logging, replication or integrity checks"))
        }
        if MySQLPinnedSettings.characterSetVariables.contains(name) || name == "sql_mode" {
            return include(SQLVerdict(.transaction, "SET \(name) changes how the session reads or writes text"))
        }
        include(SQLVerdict(.transaction, "SET \(name) changes a session setting"))
    }

    /// `SET NAMES x [COLLATE y]`, `SET CHARACTER SET x`.
    private mutating func characterSet(names: Bool, valueAt start: Int, end: Int) {
        let what = names ? "SET NAMES" : "SET CHARACTER SET"
        include(SQLVerdict(.transaction, "\(what) changes the connection's character set"))
        let collateAt = find(["COLLATE"], from: start, depth: 0).flatMap { $0 < end ? $0 : nil }
        let charsetEnd = collateAt ?? end
        guard let charset = settingName(start..<charsetEnd) else {
            return refuse("\(what) is refused: Warden reads statements as utf8mb4 and cannot read the character set it names")
        }
        guard MySQLPinnedSettings.allowedCharacterSets.contains(charset) else {
            return refuse("\(what) \(charset) is refused: \(MySQLPinnedSettings.utf8Only)")
        }
        if let collateAt {
            guard let collation = settingName((collateAt + 1)..<end), MySQLPinnedSettings.isAllowed(collation: collation) else {
                return refuse("\(what) … COLLATE is refused: the collation is not one of a character set Warden reads")
            }
        }
    }

    /// `SET character_set_client = x` and its siblings.
    private mutating func checkCharacterSet(variable: String, value: Range<Int>) {
        guard let name = settingName(value) else {
            return refuse("SET \(variable) is refused: Warden reads statements as utf8mb4 and cannot read the value it sets")
        }
        let allowed = variable == "collation_connection"
            ? MySQLPinnedSettings.isAllowed(collation: name)
            : MySQLPinnedSettings.allowedCharacterSets.contains(name) || (variable == "character_set_results" && name == "null")
        if !allowed {
            refuse("SET \(variable) = \(name) is refused: \(MySQLPinnedSettings.utf8Only)")
        }
    }

    /// A name given as a word, a quoted name or a string, lowercased; nil
    /// for anything else (an expression, a variable, DEFAULT).
    private mutating func settingName(_ range: Range<Int>) -> String? {
        dependsOnConstants = true
        guard range.count == 1 || (range.count == 2 && tokens[range.lowerBound].value.first == UInt8(ascii: "_")) else {
            return nil
        }
        let token = tokens[range.upperBound - 1]
        switch token.kind {
        case .word where token.keyword == "DEFAULT":
            return nil
        case .word, .quotedName, .string:
            return String(decoding: token.value, as: UTF8.self).lowercased()
        default:
            return nil
        }
    }

    /// `SET sql_mode = …`: refused unless the value is one Warden can read
    /// and keeps the syntax it reads this connection's statements with.
    private mutating func checkSQLMode(value: Range<Int>, global: Bool) {
        dependsOnConstants = true
        guard let modes = sqlModeValue(value) else {
            return refuse("SET sql_mode is refused: Warden cannot read the value, which could change how the server reads quotes and backslashes")
        }
        // One assignment a statement: after two, which one the server keeps
        // is not what a reader of the first would follow.
        guard !assignsSQLMode else {
            return refuse("SET sql_mode is refused: it is set twice in one statement")
        }
        assignsSQLMode = true
        guard modes != syntax else { return }
        if nesting == 0, command == "SET", !global {
            // A plain session SET at the top of a message: the classifier
            // decides whether the session can follow it (classifyFollowingSyntax).
            changedSyntax = modes
        } else {
            refuse(MySQLClassifier.syntaxChangeRefusal)
        }
    }

    /// The syntax a sql_mode value sets: a string (adjacent strings joined),
    /// a hexadecimal string, a number, or `CONCAT(@@sql_mode, 'modes', …)`
    /// adding modes that change no syntax. Nil when it cannot be read.
    private func sqlModeValue(_ range: Range<Int>) -> MySQLSyntax? {
        if range.count == 1, tokens[range.lowerBound].kind == .number,
           let bits = UInt64(String(decoding: tokens[range.lowerBound].value, as: UTF8.self)) {
            return MySQLSyntax.parse(modeBits: bits)
        }
        if let text = literalText(range) {
            return MySQLSyntax.parse(modeList: text)
        }
        // CONCAT(@@sql_mode, ',STRICT_TRANS_TABLES'), as drivers send it.
        let start = range.lowerBound
        guard range.count >= 6, isWord(start, "CONCAT"), isSymbol(start + 1, "("),
              tokens[start + 2].kind == .systemVariableMarker, closingParenthesis(start + 1) == range.upperBound - 1
        else { return nil }
        var index = start + 3
        if isWord(index, "SESSION", "LOCAL"), isSymbol(index + 1, ".") { index += 2 }
        guard tokens[index].name == "sql_mode", isSymbol(index + 1, ",") else { return nil }
        var added: [UInt8] = []
        for token in tokens[(index + 2)..<(range.upperBound - 1)] {
            switch token.kind {
            case .string: added += token.value
            case .symbol where token.symbol == ",": added.append(UInt8(ascii: ","))
            default: return nil
            }
        }
        guard let addedModes = MySQLSyntax.parse(modeList: added), addedModes == MySQLSyntax() else { return nil }
        return syntax
    }

    /// `SET STATEMENT var = value [, …] FOR statement`: the statement's
    /// verdict, with the variables set for it alone.
    private mutating func setStatementFor() {
        command = "SET STATEMENT"
        guard let forAt = find(["FOR"], from: 2, depth: 0) else {
            return include(.unknown("SET STATEMENT without FOR is not a statement Warden knows how to judge"))
        }
        var index = 2
        while index < forAt {
            let end = min(assignmentEnd(from: index), forAt)
            if let (name, next) = qualifiedName(at: index), isSymbol(next, "=") || isSymbol(next, ":=") {
                if name == "sql_mode" || MySQLPinnedSettings.characterSetVariables.contains(name) {
                    refuse("SET STATEMENT \(name) = … FOR is refused: it changes how the server reads text")
                }
                if MySQLPinnedSettings.adminVariables.contains(name) {
                    include(SQLVerdict(.admin, "SET STATEMENT \(name) bypasses the server's logging, replication or integrity checks"))
                }
            } else {
                include(.unknown("SET STATEMENT sets something that is not a variable Warden can read"))
            }
            index = end + 1
        }
        includeStatement((forAt + 1)..<tokens.count)
    }
}

/// The settings that decide how the server reads a statement's text, and
/// the session settings whose change needs more than a read's trust.
enum MySQLPinnedSettings {
    /// The character sets Warden reads statements in: UTF-8 only. In a
    /// multibyte set such as GBK a character can hold a quote or backslash
    /// byte; in a single-byte one such as latin1 a byte Warden reads as part
    /// of a UTF-8 name (0xA0, no-break space) is whitespace to the server.
    /// (`utf8` is utf8mb3 in MariaDB 10.11.)
    static let allowedCharacterSets: Set<String> = ["utf8mb4", "utf8mb3", "utf8"]

    /// Why another character set is refused, for the client.
    static let utf8Only = "Warden reads statements as UTF-8 (utf8mb4 or utf8mb3); in another character set the server could "
        + "read a quote, a backslash or a space where Warden does not"

    /// The variables that name the character set the server reads
    /// statements in, converts them to, or sends results in.
    static let characterSetVariables: Set<String> = [
        "character_set_client", "character_set_connection", "character_set_results", "collation_connection",
    ]

    /// A collation of an allowed character set (`utf8mb4_general_ci`).
    static func isAllowed(collation: String) -> Bool {
        allowedCharacterSets.contains { collation.hasPrefix($0 + "_") }
    }

    /// Introducers a prepared text may carry: the server converts a text in
    /// any other character set before it parses it, so its bytes would not
    /// be what Warden read.
    static let allowedIntroducers: Set<String> = ["_utf8mb4", "_utf8mb3", "_utf8", "_binary"]

    /// Session variables that turn off the binary log or the general log
    /// (hiding statements from replication and audit), integrity checks, or
    /// let a session pose as replication.
    static let adminVariables: Set<String> = [
        "sql_log_bin", "sql_log_off", "foreign_key_checks", "unique_checks", "check_constraint_checks",
        "pseudo_slave_mode", "pseudo_thread_id", "gtid_domain_id", "gtid_seq_no", "server_id", "skip_replication",
        "binlog_format", "wsrep_on", "wsrep_osu_method", "debug", "debug_dbug", "sql_slave_skip_counter",
        "slow_query_log", "log_slow_filter", "gtid_slave_pos",
    ]
}
