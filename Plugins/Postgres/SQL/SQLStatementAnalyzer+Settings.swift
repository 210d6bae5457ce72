/// SET and RESET: reads of session state, except those that change who the
/// session acts as (dcl) or how the server reads the text it is sent (admin).
extension SQLStatementAnalyzer {
    /// Settings that switch the effective role.
    static let roleSettings: Set<String> = ["role", "session_authorization"]

    /// Settings that change how the server parses text, bypass integrity
    /// mechanisms or load code; a policy should not treat them as harmless.
    /// (`names` is `SET NAMES`, the standard spelling of client_encoding.)
    static let adminSettings: Set<String> = [
        "client_encoding", "names", "standard_conforming_strings", "backslash_quote",
        "session_replication_role", "allow_system_table_mods", "ignore_system_indexes",
        "zero_damaged_pages", "ignore_checksum_failure", "session_preload_libraries",
        "local_preload_libraries", "dynamic_library_path", "lo_compat_privileges",
    ]

    /// `SET [SESSION | LOCAL] name {TO | =} value` and its special forms.
    func classifySet(_ statement: SQLStatement) -> SQLVerdict {
        var cursor = 1
        if statement.isWord(cursor, "session"), statement.isWord(cursor + 1, "characteristics") {
            return SQLVerdict(.transaction, "SET SESSION CHARACTERISTICS sets transaction defaults")
        }
        if statement.isWord(cursor, "local")
            || (statement.isWord(cursor, "session") && !statement.isWord(cursor + 1, "authorization")) {
            cursor += 1
        }
        guard let name = settingName(statement, at: cursor) else { return .unknown("malformed SET") }
        if let verdict = sensitiveSettingVerdict(statement, name: name, at: cursor, verb: "SET") { return verdict }
        switch name {
        case "transaction", "constraints":
            return SQLVerdict(.transaction, "SET \(name.uppercased()) controls the transaction")
        case "time", "schema", "xml":
            return .read("SET \(name.uppercased()) changes a session setting")
        default:
            guard let end = statement.qualifiedName(at: cursor)?.end,
                  statement.isWord(end, "to") || statement.isSymbol(end, "=")
            else { return .unknown("malformed SET") }
            return .read("SET changes a session setting")
        }
    }

    /// `RESET name`, `RESET ALL`, `RESET ROLE`, `RESET SESSION AUTHORIZATION`.
    func classifyReset(_ statement: SQLStatement) -> SQLVerdict {
        guard let name = settingName(statement, at: 1) else { return .unknown("malformed RESET") }
        return sensitiveSettingVerdict(statement, name: name, at: 1, verb: "RESET")
            ?? .read("RESET restores a session setting")
    }

    /// The setting name at `index`, lowercased even when quoted because
    /// PostgreSQL looks settings up case-insensitively (`SET "ROLE" TO x`
    /// is SET ROLE).
    private func settingName(_ statement: SQLStatement, at index: Int) -> String? {
        guard statement.isIdentifierLike(index) else { return nil }
        return statement.tokens[index].value.lowercased()
    }

    private func sensitiveSettingVerdict(_ statement: SQLStatement, name: String, at index: Int, verb: String) -> SQLVerdict? {
        if Self.roleSettings.contains(name) || (name == "session" && statement.isWord(index + 1, "authorization")) {
            return SQLVerdict(.dcl, "\(verb) \(name.uppercased()) changes the role the session acts as")
        }
        if Self.adminSettings.contains(name) {
            return SQLVerdict(.admin, "\(verb) \(name) changes how the server reads text or protects data")
        }
        return nil
    }
}
