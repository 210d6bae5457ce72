import WardenSQLCore

/// Functions that make an otherwise harmless statement (`SELECT f(…)`) run
/// SQL the classifier cannot see, read tables it cannot name, touch the
/// server, or change data.
enum SQLFunctions {
    /// Functions that run SQL given as text, or read a table or a whole
    /// schema named in a string: what they touch is not in the parse tree.
    static let opaque: Set<String> = [
        "query_to_xml", "query_to_xmlschema", "query_to_xml_and_xmlschema",
        "table_to_xml", "table_to_xmlschema", "table_to_xml_and_xmlschema",
        "cursor_to_xml", "cursor_to_xmlschema",
        "schema_to_xml", "schema_to_xmlschema", "schema_to_xml_and_xmlschema",
        "database_to_xml", "database_to_xmlschema", "database_to_xml_and_xmlschema",
        "ts_stat", "ts_rewrite",
    ]

    /// Prefixes of families that are all opaque: `dblink`, `dblink_exec`, ….
    static let opaquePrefixes = ["dblink"]

    /// Functions that reach the server's files, processes or configuration,
    /// or manage replication and backups.
    static let admin: Set<String> = [
        "pg_read_file", "pg_read_binary_file", "pg_stat_file",
        "lo_import", "lo_export", "pg_terminate_backend", "pg_cancel_backend", "pg_signal_backend",
        "pg_reload_conf", "set_config", "pg_rotate_logfile", "pg_log_backend_memory_contexts",
        "pg_switch_wal", "pg_switch_xlog", "pg_promote", "pg_create_restore_point",
        "pg_start_backup", "pg_stop_backup", "pg_drop_replication_slot", "pg_replication_slot_advance",
        "pg_logical_emit_message", "pg_import_system_collations", "pg_background_launch",
        // Other sessions' statement texts: every session of a connection is
        // the same upstream role, so these show other people's statements.
        "pg_stat_get_activity", "pg_stat_statements",
    ]

    /// Prefixes of function families that all belong in `admin`.
    static let adminPrefixes = [
        "pg_read_", "pg_ls_", "pg_file_", "pg_stat_reset", "pg_replication_origin_",
        "pg_logical_slot_", "pg_wal_replay_", "pg_backup_", "pg_create_", "pg_copy_",
    ]

    /// Functions that change data: sequences and large objects.
    static let write: Set<String> = [
        "nextval", "setval", "lo_unlink", "lo_create", "lo_creat", "lo_from_bytea", "lo_put",
        "lowrite", "lo_truncate", "lo_truncate64",
    ]

    /// The verdict for a call of `name` (lowercased, the last part of a
    /// qualified name), nil when the function is not known to be dangerous.
    /// A quoted `"SET_CONFIG"` is not PostgreSQL's function, but assuming
    /// the worst costs nothing; user-defined functions cannot be judged.
    static func verdict(forFunction name: String) -> SQLVerdict? {
        if opaque.contains(name) || opaquePrefixes.contains(where: name.hasPrefix) {
            return .unknown("\(name)() runs SQL or reads tables that the statement does not name")
        }
        if admin.contains(name) || adminPrefixes.contains(where: name.hasPrefix) {
            return SQLVerdict(.admin, "\(name)() acts on the database server")
        }
        if write.contains(name) {
            return SQLVerdict(.write, "\(name)() changes data")
        }
        return nil
    }
}
