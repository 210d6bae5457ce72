/// CREATE, ALTER and DROP: ddl, except for roles and privileges (dcl) and
/// for objects that load code or act on the server itself (admin).
extension SQLStatementAnalyzer {
    /// Words that may come between CREATE/ALTER/DROP and the object kind.
    private static let kindModifiers: Set<String> = [
        "or", "replace", "temp", "temporary", "local", "global", "unlogged", "unique",
        "trusted", "procedural", "recursive",
    ]
    private static let accessControlKinds: Set<String> = ["role", "user", "group", "policy"]
    /// Extensions and languages run code; subscriptions connect out;
    /// tablespaces are server directories; ALTER SYSTEM rewrites configuration.
    private static let serverKinds: Set<String> = ["extension", "language", "subscription", "tablespace", "system"]

    func classifySchemaChange(_ statement: SQLStatement) -> SQLVerdict {
        guard let verb = statement.word(0)?.uppercased() else { return .unknown("malformed statement") }
        var cursor = 1
        while let word = statement.word(cursor), Self.kindModifiers.contains(word) { cursor += 1 }
        guard let kind = statement.word(cursor) else { return .unknown("\(verb) without an object kind") }
        let object = "\(verb) \(kind.uppercased())"
        if Self.accessControlKinds.contains(kind) || (verb == "DROP" && kind == "owned")
            || (verb == "ALTER" && kind == "default" && statement.isWord(cursor + 1, "privileges")) {
            return SQLVerdict(.dcl, "\(object) changes who may do what")
        }
        if Self.serverKinds.contains(kind) {
            return SQLVerdict(.admin, "\(object) changes the server itself")
        }
        if verb == "CREATE", kind == "schema", statement.tokens.contains(where: { $0.isWord("grant") }) {
            return SQLVerdict(.dcl, "CREATE SCHEMA with GRANT changes privileges")
        }
        if verb == "ALTER", let dcl = alterAccessControlVerdict(statement) { return dcl }
        if verb == "CREATE", let executes = statement.firstWord(in: ["execute"], from: 0),
           statement.isWord(executes - 1, "as") {
            return .unknown("CREATE … AS EXECUTE runs a prepared statement whose text is not visible here")
        }
        return SQLVerdict(.ddl, "\(object) changes the schema")
    }

    /// ALTER … OWNER TO and ALTER TABLE … ROW LEVEL SECURITY change access
    /// control even though they alter ordinary objects.
    private func alterAccessControlVerdict(_ statement: SQLStatement) -> SQLVerdict? {
        for index in statement.tokens.indices where statement.depths[index] == 0 {
            if statement.isWord(index, "owner"), statement.isWord(index + 1, "to") {
                return SQLVerdict(.dcl, "ALTER … OWNER TO changes ownership")
            }
            if statement.isWord(index, "level"), statement.isWord(index + 1, "security") {
                return SQLVerdict(.dcl, "ALTER … ROW LEVEL SECURITY changes access control")
            }
        }
        return nil
    }
}
