/// Splits a message's tokens into statements where the server does: at a
/// `;`, except inside the body of a compound statement (`BEGIN … END`,
/// `IF … END IF`, `LOOP`, `WHILE`, `REPEAT`, `FOR`, `CASE`), whether it
/// stands alone (`BEGIN NOT ATOMIC`) or defines a procedure, function,
/// trigger or event.
///
/// A block the splitter does not recognise ends the statement early, so
/// the rest of its body is classified as statements of its own (and the
/// stray `END` as unknown): it reads more, never less, than the server.
enum MySQLStatementSplitter {
    static func split(_ tokens: [MySQLToken], syntax: MySQLSyntax) -> [ArraySlice<MySQLToken>] {
        var statements: [ArraySlice<MySQLToken>] = []
        var start = 0
        while start < tokens.count {
            let end = statementEnd(tokens, from: start, syntax: syntax)
            if end > start { statements.append(tokens[start..<end]) }
            start = end + 1
        }
        return statements
    }

    /// The index of the `;` that ends the statement starting at `start`,
    /// or `tokens.count`.
    private static func statementEnd(_ tokens: [MySQLToken], from start: Int, syntax: MySQLSyntax) -> Int {
        guard mayHoldBlocks(tokens, at: start, syntax: syntax) else {
            return tokens[start...].firstIndex { $0.kind == .semicolon } ?? tokens.count
        }
        var depth = 0
        var parentheses = 0
        var returnsSeen = false
        var index = start
        while index < tokens.count {
            let token = tokens[index]
            if token.kind == .semicolon {
                if depth == 0 { return index }
                index += 1
                continue
            }
            if token.isSymbol("(") { parentheses += 1 }
            if token.isSymbol(")") { parentheses = max(0, parentheses - 1) }
            let word = token.keyword
            if word == "RETURNS", depth == 0 { returnsSeen = true }
            // A function's body may start right after its RETURNS type.
            let afterReturns = word == "BEGIN" && depth == 0 && returnsSeen && index + 1 < tokens.count
                && !tokens[index + 1].isSymbol("=")
            if parentheses == 0, afterReturns || opensBlock(tokens, at: index, statementStart: start) {
                depth += 1
            } else if word == "END", depth > 0 {
                depth -= 1
                if index + 1 < tokens.count, blockWords.contains(tokens[index + 1].keyword) { index += 1 }
            }
            index += 1
        }
        return tokens.count
    }

    private static let blockWords: Set<String> = ["IF", "CASE", "LOOP", "WHILE", "REPEAT", "FOR"]

    /// Words after which a statement of a block body starts.
    private static let bodyStarts: Set<String> = [
        "BEGIN", "ATOMIC", "THEN", "ELSE", "DO", "LOOP", "REPEAT", "ROW", "DETERMINISTIC", "SQL", "DATA", "DEFINER",
        "INVOKER",
    ]

    private static func opensBlock(_ tokens: [MySQLToken], at index: Int, statementStart: Int) -> Bool {
        let token = tokens[index]
        guard token.kind == .word else { return false }
        let word = token.keyword
        if word == "CASE" { return true }  // CASE expressions end with END too
        guard ["BEGIN", "IF", "LOOP", "WHILE", "REPEAT", "FOR"].contains(word) else { return false }
        let atStart: Bool
        if index == statementStart {
            atStart = true
        } else {
            let previous = tokens[index - 1]
            atStart = previous.kind == .semicolon || previous.isSymbol(":") || previous.isSymbol(")")
                || previous.kind == .string || bodyStarts.contains(previous.keyword)
        }
        guard atStart else { return false }
        if word == "FOR" {
            // `FOR i IN …`, not `FOR EACH ROW` or `FOR UPDATE`.
            return index + 2 < tokens.count && tokens[index + 2].isWord("IN")
        }
        if word == "BEGIN", index == statementStart {
            // At a statement's start only `BEGIN NOT ATOMIC` is a block.
            return index + 1 < tokens.count && tokens[index + 1].isWord("NOT")
        }
        return true
    }

    /// Whether the statement at `start` can hold a compound statement.
    static func mayHoldBlocks(_ tokens: [MySQLToken], at start: Int, syntax: MySQLSyntax) -> Bool {
        let first = tokens[start]
        let next = start + 1 < tokens.count ? tokens[start + 1] : nil
        switch first.keyword {
        case "BEGIN":
            if next?.isWord("NOT") == true { return true }
            // The Oracle grammar reads `BEGIN …` as an anonymous block.
            return syntax.oracleGrammar && !(next == nil || next?.kind == .semicolon || next?.isWord("WORK") == true)
        case "IF", "CASE", "LOOP", "WHILE", "REPEAT", "FOR":
            return true
        case "DECLARE":
            return syntax.oracleGrammar
        case "CREATE", "ALTER":
            return routineKind(tokens, from: start) != nil
        default:
            // `label: BEGIN NOT ATOMIC …`, `label: LOOP …`.
            return first.isName && next?.isSymbol(":") == true
        }
    }

    /// The kind of object a CREATE or ALTER names, when it has a body:
    /// PROCEDURE, FUNCTION, TRIGGER, EVENT or PACKAGE.
    static func routineKind(_ tokens: [MySQLToken], from start: Int) -> String? {
        let objects: Set<String> = [
            "TABLE", "VIEW", "INDEX", "PROCEDURE", "FUNCTION", "TRIGGER", "EVENT", "PACKAGE", "DATABASE", "SCHEMA",
            "USER", "ROLE", "SERVER", "SEQUENCE", "TABLESPACE", "LOGFILE",
        ]
        for token in tokens[(start + 1)...] {
            if token.kind == .semicolon { return nil }
            guard token.kind == .word, objects.contains(token.keyword) else { continue }
            return ["PROCEDURE", "FUNCTION", "TRIGGER", "EVENT", "PACKAGE"].contains(token.keyword) ? token.keyword : nil
        }
        return nil
    }
}
