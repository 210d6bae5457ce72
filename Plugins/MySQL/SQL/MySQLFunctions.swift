import WardenSQLCore

/// Functions that make an otherwise harmless statement (`SELECT f(…)`)
/// touch the server's files or change data. As for PostgreSQL, a function
/// not listed here is not judged: `sleep()`, `benchmark()` and `get_lock()`
/// only wait or take an advisory lock (PostgreSQL's `pg_sleep` and advisory
/// locks are reads), and a stored function's body cannot be seen from the
/// call.
enum MySQLFunctions {
    /// Functions that read the server's files, and the names under which
    /// well-known user-defined functions run shell commands
    /// (lib_mysqludf_sys): a UDF is loaded by CREATE FUNCTION … SONAME,
    /// itself admin, but may already be there.
    static let admin: Set<String> = ["load_file", "sys_exec", "sys_eval", "sys_get", "sys_set"]

    /// Functions that change data: sequences.
    static let write: Set<String> = ["nextval", "setval"]

    /// The verdict for a call of `name` (lowercased, unqualified), nil when
    /// the function is not known to be dangerous. A qualified `db.f()` is a
    /// stored function, never a built-in one, and is not judged.
    static func verdict(forFunction name: String) -> SQLVerdict? {
        if admin.contains(name) {
            return SQLVerdict(.admin, name == "load_file"
                ? "load_file() reads a file on the database server" : "\(name)() runs commands on the database server")
        }
        if write.contains(name) {
            return SQLVerdict(.write, "\(name)() changes a sequence")
        }
        return nil
    }
}
