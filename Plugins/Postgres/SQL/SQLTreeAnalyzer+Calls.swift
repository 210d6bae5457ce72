import WardenSQLCore
import Foundation

/// Settings and function calls: what a statement changes beyond rows.
extension SQLTreeAnalyzer {
    /// `SET`, `RESET` and their special forms, also as the clause of
    /// `ALTER ROLE … SET`, `ALTER DATABASE … SET` and a function's `SET`.
    mutating func setting(_ node: ParseNode) {
        let kind = node.string("kind") ?? ""
        let name = (node.string("name") ?? "").lowercased()
        let verb = kind.hasPrefix("VAR_RESET") ? "RESET" : "SET"
        if kind == "VAR_RESET_ALL" {
            // Back to the session's start values, which Warden pinned.
            return include(.read("RESET ALL restores the session's settings"))
        }
        if PinnedSettings.names.contains(name) {
            refuse("\(verb) \(name) is refused: Warden keeps it at \(PinnedSettings.value(of: name)) to read statements as the server does")
            return include(SQLVerdict(.admin, "\(verb) \(name) changes how the server reads statements"))
        }
        switch name {
        case "role", "session_authorization":
            include(SQLVerdict(.dcl, "\(verb) \(name.uppercased()) changes the role the session acts as"))
        case _ where SQLSettings.admin.contains(name):
            include(SQLVerdict(.admin, "\(verb) \(name) changes how the server reads text or protects data"))
        case _ where SQLSettings.transaction.contains(name):
            include(SQLVerdict(.transaction, "\(verb) \(name.uppercased()) controls the transaction"))
        default:
            include(.read(verb == "SET" ? "SET changes a session setting" : "RESET restores a session setting"))
        }
        visitFields(of: node, except: ["name", "kind"])
    }

    /// A function call: some run SQL the text does not show, read tables
    /// named in strings, act on the server or change data.
    mutating func functionCall(_ node: ParseNode) {
        guard let name = node.nameParts("funcname").last?.lowercased() else { return }
        if name == "set_config" { setConfig(node) }
        if let verdict = SQLFunctions.verdict(forFunction: name) { include(verdict, evenIfNotRun: true) }
    }

    /// `set_config(name, value, is_local)`: the setting is its first
    /// argument, so a call whose first argument is not a constant could be
    /// any setting, the pinned ones included.
    private mutating func setConfig(_ node: ParseNode) {
        readConstant()
        guard let first = node.nodes("args").first else { return }
        guard first.type == "A_Const", let setting = first.node("sval")?.string("sval")?.lowercased() else {
            return refuse("set_config() with a setting name that is not a constant could change a setting Warden pins")
        }
        if PinnedSettings.names.contains(setting) {
            refuse("set_config('\(setting)', …) is refused: Warden keeps it at \(PinnedSettings.value(of: setting)) to read statements as the server does")
        }
    }
}

/// The settings that decide how PostgreSQL reads a statement's text. Warden
/// sets them in every upstream StartupMessage and refuses any change, so
/// that its parser and the server's always agree.
enum PinnedSettings {
    static let names: Set<String> = ["client_encoding", "standard_conforming_strings"]

    static func value(of name: String) -> String {
        name == "client_encoding" ? "UTF8" : "on"
    }

    /// A ParameterStatus body that reports a pinned setting at another
    /// value, as `(name, value)`; nil for any other report.
    static func violation(in body: ArraySlice<UInt8>) -> (name: String, value: String)? {
        var reader = ByteReader(body)
        guard let name = reader.readCString()?.lowercased(), names.contains(name) else { return nil }
        let value = reader.readCString() ?? ""
        return holds(name, value) ? nil : (name, value)
    }

    /// Whether `value` is the pinned value of the setting `name`.
    static func holds(_ name: String, _ value: String) -> Bool {
        value.caseInsensitiveCompare(self.value(of: name)) == .orderedSame
    }
}

/// Settings whose changes need more than a read's trust.
enum SQLSettings {
    /// Settings that bypass integrity mechanisms or load code.
    static let admin: Set<String> = [
        "backslash_quote", "session_replication_role", "allow_system_table_mods", "ignore_system_indexes",
        "zero_damaged_pages", "ignore_checksum_failure", "session_preload_libraries", "local_preload_libraries",
        "dynamic_library_path", "lo_compat_privileges",
    ]

    /// `SET TRANSACTION …`, `SET SESSION CHARACTERISTICS …` and the
    /// transaction settings themselves.
    static let transaction: Set<String> = [
        "transaction", "session characteristics", "transaction snapshot", "transaction_isolation",
        "transaction_read_only", "transaction_deferrable",
    ]
}
