/// Functions that make an otherwise harmless statement (`SELECT f(…)`) run
/// SQL the classifier cannot see, touch the server, or change data.
enum SQLDangerousFunctions {
    /// Functions that run SQL text, reach the server's files, processes or
    /// configuration, or manage replication and backups.
    static let admin: Set<String> = [
        "dblink", "dblink_exec", "query_to_xml", "query_to_xmlschema", "query_to_xml_and_xmlschema",
        "ts_stat", "ts_rewrite", "pg_read_file", "pg_read_binary_file", "pg_stat_file",
        "lo_import", "lo_export", "pg_terminate_backend", "pg_cancel_backend", "pg_signal_backend",
        "pg_reload_conf", "set_config", "pg_rotate_logfile", "pg_log_backend_memory_contexts",
        "pg_switch_wal", "pg_switch_xlog", "pg_promote", "pg_create_restore_point",
        "pg_start_backup", "pg_stop_backup", "pg_drop_replication_slot", "pg_replication_slot_advance",
        "pg_logical_emit_message", "pg_import_system_collations", "pg_background_launch",
    ]

    /// Prefixes of function families that all belong in `admin`.
    static let adminPrefixes = [
        "dblink_", "pg_read_", "pg_ls_", "pg_file_", "pg_stat_reset", "pg_replication_origin_",
        "pg_logical_slot_", "pg_wal_replay_", "pg_backup_", "pg_create_", "pg_copy_",
    ]

    /// Functions that change data: sequences and large objects.
    static let write: Set<String> = [
        "nextval", "setval", "lo_unlink", "lo_create", "lo_creat", "lo_from_bytea", "lo_put",
        "lowrite", "lo_truncate", "lo_truncate64",
    ]

    /// The verdict for a call of the function `name` (any case), nil when
    /// the function is not known to be dangerous.
    static func verdict(forFunction name: String) -> SQLVerdict? {
        let name = name.lowercased()
        if admin.contains(name) || adminPrefixes.contains(where: name.hasPrefix) {
            return SQLVerdict(.admin, "\(name)() runs SQL or acts on the database server")
        }
        if write.contains(name) {
            return SQLVerdict(.write, "\(name)() changes data")
        }
        return nil
    }

    /// The most dangerous function called in `statement`, or a read.
    ///
    /// A call is a name (plain, quoted or schema-qualified: only the last
    /// part matters) followed by `(`. Quoted names compare case-insensitively:
    /// `"SET_CONFIG"` is not PostgreSQL's function, but assuming the worst
    /// costs nothing. User-defined functions cannot be judged from the text.
    static func verdict(for statement: SQLStatement) -> SQLVerdict {
        var verdict = SQLVerdict.read("no dangerous function call")
        for index in statement.tokens.indices where statement.isIdentifierLike(index) && statement.isSymbol(index + 1, "(") {
            guard !isSignature(statement, nameEnd: index),
                  let call = Self.verdict(forFunction: statement.tokens[index].value)
            else { continue }
            verdict = verdict.combined(with: call)
        }
        return verdict
    }

    /// Whether the name ending at `nameEnd` follows FUNCTION, PROCEDURE,
    /// ROUTINE or AGGREGATE (`DROP FUNCTION pg_reload_conf()`): a signature
    /// being named, not a call.
    private static func isSignature(_ statement: SQLStatement, nameEnd: Int) -> Bool {
        var start = nameEnd
        while statement.isSymbol(start - 1, "."), statement.isIdentifierLike(start - 2) { start -= 2 }
        return ["function", "procedure", "routine", "aggregate"].contains(statement.word(start - 1) ?? "")
    }
}
