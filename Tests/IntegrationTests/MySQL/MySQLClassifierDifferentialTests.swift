import Foundation
import Testing
import WardenSQLCore

@testable import WardenMySQLCore

/// One text for the server: run with `sqlMode` set, and whether the
/// classifier is expected to read more statements than the server runs
/// (a versioned comment this server skips, which Warden reads as code).
struct DifferentialText: Sendable, CustomStringConvertible {
    var text: [UInt8]
    var sqlMode: String?
    var readsMore: Bool
    /// Whether the scratch tables the corpus names are created first.
    var setup = true

    init(_ text: String, sqlMode: String? = nil, readsMore: Bool = false) {
        self.init(bytes: Array(text.utf8), sqlMode: sqlMode, readsMore: readsMore)
    }

    init(bytes: [UInt8], sqlMode: String? = nil, readsMore: Bool = false) {
        self.text = bytes
        self.sqlMode = sqlMode
        self.readsMore = readsMore
    }

    var syntax: MySQLSyntax { MySQLSyntax(sqlMode: sqlMode ?? "") }

    var description: String {
        String(decoding: text, as: UTF8.self).debugDescription + (sqlMode.map { " [\($0)]" } ?? "")
    }
}

/// What the server ran for one text: its statement events, in order.
struct ServerRun: Decodable {
    var events: [[Event]]
    var error: String?

    enum Event: Decodable {
        case name(String), number(Int), flag(Bool)
        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let value = try? container.decode(Bool.self) { self = .flag(value) }
            else if let value = try? container.decode(Int.self) { self = .number(value) }
            else { self = .name(try container.decode(String.self)) }
        }
    }

    /// Top-level statements as (event name without `statement/sql/`, error number).
    var statements: [(name: String, errno: Int, rowsAffected: Int)] {
        events.compactMap { event in
            guard event.count == 4, case .name(let name) = event[0], case .number(let errno) = event[1],
                  case .flag(let nested) = event[2], case .number(let affected) = event[3], !nested,
                  name.hasPrefix("statement/sql/") else { return nil }
            let short = String(name.dropFirst("statement/sql/".count))
            return short == "empty_query" ? nil : (short, errno, affected)
        }
    }
}

/// Compares the classifier's reading of a text with the server's: the
/// statements the server ran (from performance_schema) against the
/// statements the classifier found, in order.
enum ClassifierDifferential {
    static let harness = #"""
import json, sys, time
import pymysql
from pymysql.constants import CLIENT

TABLES = ["t", "u", "v", "w", "x", "a", "b", "c", "d", "e", "f", "orders", "customers", "accounts", "sessions", "jobs",
          "archive", "log", "events", "src", "t1", "t2", "payments", "items", "audit", "hot"]
COLUMNS = ("id INT PRIMARY KEY, a INT, b INT, x INT, y INT, c VARCHAR(20), balance INT, created DATETIME, "
           "expires DATETIME, customer_id INT, doc TEXT, ts DATETIME, s TEXT")
SETUP = ["CREATE TABLE IF NOT EXISTS %s (%s)" % (name, COLUMNS) for name in TABLES] + [
    "CREATE SEQUENCE IF NOT EXISTS s", "CREATE SEQUENCE IF NOT EXISTS s2"]

def connect(config, sql_mode=None):
    c = pymysql.connect(host="127.0.0.1", port=config["port"], user=config["user"], password=config["password"],
                        database=config["database"], client_flag=CLIENT.MULTI_STATEMENTS | CLIENT.MULTI_RESULTS,
                        autocommit=True, local_infile=False, read_timeout=30, charset="utf8mb4")
    return c

def main():
    config = json.load(sys.stdin)
    observer = connect(config)
    first = connect(config)
    with first.cursor() as cursor:
        for statement in SETUP:
            cursor.execute(statement)
    first.close()
    for case in config["cases"]:
        text = bytes.fromhex(case["hex"])
        connection = connect(config)
        cursor = connection.cursor()
        cursor.execute("SET SESSION sql_mode = %s", (case.get("sql_mode") or "",))
        if case.get("setup", True):
            for statement in SETUP:
                cursor.execute(statement)
        cursor.execute("SELECT THREAD_ID FROM performance_schema.threads WHERE PROCESSLIST_ID = CONNECTION_ID()")
        thread = cursor.fetchone()[0]
        # The newest event of this session so far; this query's own event
        # comes after it, and is left out by its text.
        cursor.execute("SELECT /* differential marker */ COALESCE(MAX(EVENT_ID), 0) FROM "
                       "performance_schema.events_statements_history_long WHERE THREAD_ID = %s", (thread,))
        marker = cursor.fetchone()[0]
        error = None
        try:
            connection.query(text)
            while connection._result is not None and connection._result.has_next:
                connection.next_result()
        except Exception as exception:
            error = str(exception)
        # The server records a statement once it has answered it, before it
        # reads the next command: when this one is answered, every statement
        # of the text is in the history.
        try:
            connection.query("SELECT /* differential marker */ 1")
        except Exception:
            time.sleep(0.5)
        try:
            connection.close()
        except Exception:
            pass
        with observer.cursor() as observe:
            observe.execute(
                "SELECT EVENT_NAME, MYSQL_ERRNO, NESTING_EVENT_ID IS NOT NULL, ROWS_AFFECTED FROM "
                "performance_schema.events_statements_history_long WHERE THREAD_ID = %s AND EVENT_ID > %s "
                "AND SQL_TEXT NOT LIKE 'SELECT /* differential marker */%%' ORDER BY EVENT_ID", (thread, marker))
            events = [[name, errno, bool(nested), affected] for (name, errno, nested, affected) in observe.fetchall()]
        print(json.dumps({"events": events, "error": error}), flush=True)

main()
"""#

    /// Runs `texts` on the server as the scratch account, each on a
    /// connection of its own with multi-statements on.
    static func run(_ texts: [DifferentialText], port: Int, user: String, password: String, database: String) throws
        -> [ServerRun]
    {
        let cases = texts.map { text -> [String: Any] in
            var entry: [String: Any] = ["hex": text.text.map { String(format: "%02x", $0) }.joined(), "setup": text.setup]
            if let mode = text.sqlMode { entry["sql_mode"] = mode }
            return entry
        }
        let input: [String: Any] = ["port": port, "user": user, "password": password, "database": database, "cases": cases]
        let data = try JSONSerialization.data(withJSONObject: input)
        let result = try Command.run("python3", ["-c", harness], input: String(decoding: data, as: UTF8.self))
        let lines = result.stdout.split(separator: "\n")
        guard result.status == 0, lines.count == texts.count else {
            throw TestSetupError("the differential harness failed: \(result.stderr.suffix(2000))")
        }
        return try lines.map { try JSONDecoder().decode(ServerRun.self, from: Data($0.utf8)) }
    }

    /// The disagreements between the server's run and the classifier's reading.
    static func disagreements(_ text: DifferentialText, _ run: ServerRun) -> [String] {
        let result = MySQLClassifier.classify(text.text, syntax: text.syntax)
        let statements = result.statements
        let events = run.statements
        var problems: [String] = []
        // A text Warden cannot read, or refuses, is unknown: nothing to compare.
        if statements.count == 1, statements[0].command == "UNKNOWN", result.classification == .unknown { return [] }
        if events.count > statements.count {
            problems.append("the server ran \(events.map(\.name)) but the classifier found \(statements.map(\.command))")
        }
        for (index, event) in events.enumerated() where index < statements.count {
            if event.name == "error" {
                if index != events.count - 1 { problems.append("the server went on after a syntax error") }
                break
            }
            let expected = eventNames(for: statements[index].command)
            if !expected.contains(where: { event.name == $0 || ($0.hasSuffix("*") && event.name.hasPrefix($0.dropLast())) }) {
                problems.append("statement \(index + 1): the server ran \(event.name), the classifier says \(statements[index].command)")
            }
        }
        if events.count < statements.count, !text.readsMore, events.last.map({ $0.errno == 0 }) ?? true {
            problems.append("the classifier found \(statements.map(\.command)) but the server ran \(events.map(\.name)) without an error")
        }
        // The other way round: what Warden calls a read ran nothing but
        // reads (EXPLAIN's event is its statement's: it must change no row).
        if result.classification == .read {
            for (index, event) in events.enumerated() {
                let explained = index < statements.count && statements[index].command == "EXPLAIN" && event.rowsAffected <= 0
                if !explained, !readEvents.contains(where: { event.name == $0 || ($0.hasSuffix("*") && event.name.hasPrefix($0.dropLast())) }) {
                    problems.append("classified as a read, but the server ran \(event.name)")
                }
            }
        }
        return problems
    }

    /// The events a read may produce.
    static let readEvents = [
        "select", "show_*", "do", "help", "ha_*", "checksum", "dealloc_sql", "signal", "get_diagnostics", "error",
        "set_option", "prepare_sql", "execute_immediate",
    ]

    /// The performance_schema event names (after `statement/sql/`) of a command.
    static func eventNames(for command: String) -> [String] {
        let key = command.lowercased().replacingOccurrences(of: " ", with: "_")
        return aliases[key] ?? [key]
    }

    static let aliases: [String: [String]] = [
        "select": ["select"], "values": ["select"], "table": ["select"],
        "insert": ["insert", "insert_select"], "replace": ["replace", "replace_select"],
        "update": ["update", "update_multi"], "delete": ["delete", "delete_multi"],
        "set": ["set_option"], "set_transaction": ["set_option"], "set_statement": ["*"],
        "use": ["change_db"], "show": ["show_*"], "describe": ["show_fields"], "explain": ["*"], "analyze": ["*"],
        "call": ["call_procedure"], "handler": ["ha_*"], "load_data": ["load"], "load_xml": ["load"],
        "begin": ["begin"], "start_transaction": ["begin"], "rollback": ["rollback", "rollback_to_savepoint"],
        "release": ["release_savepoint"], "xa": ["xa_*"], "prepare": ["prepare_sql"], "execute": ["execute_sql"],
        "deallocate_prepare": ["dealloc_sql"], "begin_not_atomic": ["compound_sql"], "if": ["compound_sql"],
        "loop": ["compound_sql"], "while": ["compound_sql"], "repeat": ["compound_sql"], "for": ["compound_sql"],
        "case": ["compound_sql"], "optimize_table": ["optimize"], "repair_table": ["repair"],
        "analyze_table": ["analyze"], "check_table": ["check"], "checksum_table": ["checksum"],
        "alter_view": ["create_view"], "create_function": ["create_spfunction", "create_function"],
        "drop_function": ["drop_function"], "cache_index": ["assign_to_keycache"], "load_index": ["preload_keys"],
        "truncate": ["truncate"], "get_diagnostics": ["get_diagnostics"],
    ]
}

/// The corpus and the evasions, as texts for the server.
enum DifferentialTexts {
    static let texts: [DifferentialText] = [
        DifferentialText("SELECT 1", sqlMode: nil),
        DifferentialText("SELECT a FROM t1, scratch.t2 AS x, `t 3` WHERE a = 1", sqlMode: nil),
        DifferentialText("SELECT * FROM a NATURAL JOIN b, c STRAIGHT_JOIN (d JOIN e USING (id)) LEFT OUTER JOIN f ON true", sqlMode: nil),
        DifferentialText("SELECT EXTRACT(YEAR FROM ts), TRIM(LEADING 'x' FROM s) FROM events", sqlMode: nil),
        DifferentialText("WITH recent AS (SELECT * FROM orders) SELECT * FROM recent", sqlMode: nil),
        DifferentialText("WITH RECURSIVE r AS (SELECT 1 AS n UNION ALL SELECT n + 1 FROM r WHERE n < 3) SELECT * FROM r, s", sqlMode: nil),
        DifferentialText("WITH payments AS (SELECT * FROM payments) SELECT * FROM payments", sqlMode: nil),
        DifferentialText("SELECT * FROM (WITH x AS (SELECT 1) SELECT * FROM x) s, x", sqlMode: nil),
        DifferentialText("VALUES (1, 'a'), (2, 'b')", sqlMode: nil),
        DifferentialText("TABLE accounts", sqlMode: nil),
        DifferentialText("(SELECT 1) UNION (SELECT 2 FROM dual)", sqlMode: nil),
        DifferentialText("SELECT * FROM `Orders`, ORDERS, orders", sqlMode: nil),
        DifferentialText("SELECT `select`, `from` FROM `where` WHERE `drop` = 1", sqlMode: nil),
        DifferentialText("SELECT SLEEP(1), BENCHMARK(10, MD5('a')), GET_LOCK('x', 1), RELEASE_LOCK('x')", sqlMode: nil),
        DifferentialText("SELECT my_function(1), scratch.my_function(2)", sqlMode: nil),
        DifferentialText("SELECT 1 INTO @one", sqlMode: nil),
        DifferentialText("SELECT id FROM t LIMIT 1 INTO @id", sqlMode: nil),
        DifferentialText("SHOW TABLES", sqlMode: nil),
        DifferentialText("SHOW FULL COLUMNS FROM t FROM scratch", sqlMode: nil),
        DifferentialText("SHOW CREATE TABLE scratch.t", sqlMode: nil),
        DifferentialText("SHOW VARIABLES LIKE 'sql_mode'", sqlMode: nil),
        DifferentialText("DESCRIBE t", sqlMode: nil),
        DifferentialText("desc scratch.t id", sqlMode: nil),
        DifferentialText("HELP 'SELECT'", sqlMode: nil),
        DifferentialText("DO 1 + 1", sqlMode: nil),
        DifferentialText("HANDLER t OPEN", sqlMode: nil),
        DifferentialText("CHECKSUM TABLE t, u", sqlMode: nil),
        DifferentialText("SELECT * FROM t WHERE a = 'update' AND b = \"delete\"", sqlMode: nil),
        DifferentialText("SELECT * FROM t FOR SYSTEM_TIME ALL", sqlMode: nil),
        DifferentialText("SELECT 1 FROM t WHERE a = 1 GROUP BY a WITH ROLLUP", sqlMode: nil),
        DifferentialText("SELECT 'DROP TABLE x'", sqlMode: nil),
        DifferentialText("SELECT 'a;b'; SELECT \"c;d\"", sqlMode: nil),
        DifferentialText("SELECT 'it''s; DROP TABLE x; --'", sqlMode: nil),
        DifferentialText("SELECT \"say \"\"hi\"\"; DROP TABLE x\"", sqlMode: nil),
        DifferentialText("SELECT `a``; DROP TABLE x; --` FROM t", sqlMode: nil),
        DifferentialText("SELECT 'abc\\'; DROP TABLE x; -- '", sqlMode: nil),
        DifferentialText("SELECT 'abc\\\\'; DROP TABLE x; -- '", sqlMode: nil),
        DifferentialText("SELECT \"a\\\"; DROP TABLE x; -- \"", sqlMode: "ANSI_QUOTES"),
        DifferentialText("SELECT \"drop\" FROM \"t\"", sqlMode: "ANSI_QUOTES"),
        DifferentialText("SELECT \"t\"", sqlMode: nil),
        DifferentialText("SELECT [a;DROP TABLE x;--] FROM t", sqlMode: "MSSQL"),
        DifferentialText("SELECT [a'] FROM t; DROP TABLE x; -- '", sqlMode: "MSSQL"),
        DifferentialText("SELECT _utf8mb4'x;y', N'z;w', X'3B', B'0111011', 0x3B, 0b1", sqlMode: nil),
        DifferentialText("SELECT _latin1 'a' 'b;c' \"d\"", sqlMode: nil),
        DifferentialText("SELECT 'abc", sqlMode: nil),
        DifferentialText("SELECT \"abc", sqlMode: nil),
        DifferentialText("SELECT `abc", sqlMode: nil),
        DifferentialText("SELECT 'abc\\'", sqlMode: nil),
        DifferentialText("SELECT X'4'", sqlMode: nil),
        DifferentialText("SELECT X'4G'", sqlMode: nil),
        DifferentialText("SELECT @`a;b`, @'c;d', @\"e;f\", @a.b", sqlMode: nil),
        DifferentialText("SELECT 1 FROM t WHERE c = '\\'' OR 1; DROP TABLE x; -- '", sqlMode: nil),
        DifferentialText("/* DROP TABLE x; */ SELECT 1", sqlMode: nil),
        DifferentialText("SELECT 1 -- ; DROP TABLE x", sqlMode: nil),
        DifferentialText("SELECT 1 # ; DROP TABLE x", sqlMode: nil),
        DifferentialText("SELECT 1--1; DROP TABLE x", sqlMode: nil),
        DifferentialText("SELECT 1 --\tx\n; DROP TABLE x", sqlMode: nil),
        DifferentialText("SELECT 1 --\u{1}; DROP TABLE x", sqlMode: nil),
        DifferentialText("SELECT 1 # x\r; DROP TABLE x", sqlMode: nil),
        DifferentialText("SELECT 1 -- x\r; DROP TABLE x", sqlMode: nil),
        DifferentialText("SELECT 1 # x\n; DROP TABLE x", sqlMode: nil),
        DifferentialText("/* /* */ DROP TABLE x", sqlMode: nil),
        DifferentialText("dRoP/**/TaBlE x", sqlMode: nil),
        DifferentialText("DROP\tTABLE\nx", sqlMode: nil),
        DifferentialText("DROP\u{0B}TABLE\u{0C}x", sqlMode: nil),
        DifferentialText("SELECT 1 /* unclosed", sqlMode: nil),
        DifferentialText("SELECT 1 /*+ hint */ ; SELECT 2", sqlMode: nil),
        DifferentialText("SELECT 1 -- ", sqlMode: nil),
        DifferentialText("SELECT 1 --", sqlMode: nil),
        DifferentialText("/*!50000 DROP TABLE x */", sqlMode: nil),
        DifferentialText("/*! DROP TABLE x */", sqlMode: nil),
        DifferentialText("/*M! DROP TABLE x */", sqlMode: nil),
        DifferentialText("/*M!100100 DROP TABLE x */", sqlMode: nil),
        DifferentialText("/*!80000 DROP TABLE x */", sqlMode: nil, readsMore: true),
        DifferentialText("/*!99999 DROP TABLE x */", sqlMode: nil, readsMore: true),
        DifferentialText("SELECT 1 /*!, 2 */ FROM t", sqlMode: nil),
        DifferentialText("SELECT 1 FROM t /*!50000 UNION SELECT load_file('/etc/passwd') */", sqlMode: nil),
        DifferentialText("DROP /*!50000 TABLE */ x", sqlMode: nil),
        DifferentialText("/*!40101 SET NAMES utf8mb4 */", sqlMode: nil),
        DifferentialText("/*!40101 SET NAMES gbk */", sqlMode: nil),
        DifferentialText("SET /*!50000 NAMES */ sjis", sqlMode: nil),
        DifferentialText("SELECT 1 /*!99999 '*/; DROP TABLE x; -- ' */", sqlMode: nil),
        DifferentialText("SELECT 1 /*!50700 # */ ; DROP TABLE x\n */", sqlMode: nil),
        DifferentialText("SELECT 1 /*M! '*/ ; DROP TABLE x; -- ' */", sqlMode: nil),
        DifferentialText("SELECT 1 /*! ; DROP TABLE x /* */", sqlMode: nil),
        DifferentialText("SELECT 1 /*!99999 /* a */ ; DROP TABLE x */ ; SELECT 3", sqlMode: nil),
        DifferentialText("SELECT 1 /*! /*! DROP TABLE x */ */", sqlMode: nil),
        DifferentialText("SELECT 1 /*!50000 unclosed", sqlMode: nil),
        DifferentialText("/*50000 DROP TABLE x */ SELECT 1", sqlMode: nil),
        DifferentialText("/*!50000 DROP /* x */ TABLE x */", sqlMode: nil),
        DifferentialText("SELECT 1; DROP TABLE t", sqlMode: nil),
        DifferentialText("SELECT 1;", sqlMode: nil),
        DifferentialText("SELECT 1;;", sqlMode: nil),
        DifferentialText(";;SELECT 1", sqlMode: nil),
        DifferentialText("  sElEcT\t1;\n\n  DeLeTe\n FROM\tt  ", sqlMode: nil),
        DifferentialText("SELECT 1; -- done", sqlMode: nil),
        DifferentialText("BEGIN; DELETE FROM t; COMMIT", sqlMode: nil),
        DifferentialText("SELECT\u{A0}1", sqlMode: nil),
        DifferentialText("DROP\u{A0}TABLE x", sqlMode: nil),
        DifferentialText("SELECT\u{2028}1", sqlMode: nil),
        DifferentialText("INSERT INTO orders (id) VALUES (1)", sqlMode: nil),
        DifferentialText("INSERT orders SET id = 1", sqlMode: nil),
        DifferentialText("INSERT INTO t VALUES (1, 2) ON DUPLICATE KEY UPDATE b = VALUES(b)", sqlMode: nil),
        DifferentialText("INSERT INTO t SELECT id, 0 FROM t ON DUPLICATE KEY UPDATE b = 0", sqlMode: nil),
        DifferentialText("INSERT INTO t TABLE u", sqlMode: nil),
        DifferentialText("REPLACE INTO t VALUES (1, 2)", sqlMode: nil),
        DifferentialText("REPLACE INTO t SELECT id, 0 FROM t", sqlMode: nil),
        DifferentialText("UPDATE accounts SET balance = 0", sqlMode: nil),
        DifferentialText("UPDATE accounts SET balance = 0 LIMIT 1", sqlMode: nil),
        DifferentialText("UPDATE accounts SET balance = 0 ORDER BY id LIMIT 10", sqlMode: nil),
        DifferentialText("UPDATE accounts SET balance = 0 WHERE 1 = 1", sqlMode: nil),
        DifferentialText("UPDATE accounts SET balance = 0 WHERE id = id", sqlMode: nil),
        DifferentialText("UPDATE accounts SET balance = 0 WHERE id = 1 OR 1", sqlMode: nil),
        DifferentialText("UPDATE accounts SET balance = 0 WHERE id = 1 || 1", sqlMode: nil),
        DifferentialText("UPDATE accounts SET balance = 0 WHERE id = 1 = 0", sqlMode: nil),
        DifferentialText("UPDATE accounts SET balance = 0 WHERE NOT id = 1", sqlMode: nil),
        DifferentialText("UPDATE accounts SET balance = 0 WHERE id <> NULL", sqlMode: nil),
        DifferentialText("UPDATE accounts SET balance = 0 WHERE id IS NOT NULL", sqlMode: nil),
        DifferentialText("UPDATE accounts SET balance = 0 WHERE (id = 7)", sqlMode: nil),
        DifferentialText("UPDATE accounts SET balance = 0 WHERE id = 7 AND (a OR b)", sqlMode: nil),
        DifferentialText("UPDATE accounts SET balance = 0 WHERE id BETWEEN 1 AND 3", sqlMode: nil),
        DifferentialText("UPDATE accounts SET balance = 0 WHERE id IN (1, 2)", sqlMode: nil),
        DifferentialText("UPDATE accounts SET balance = 0 WHERE created < NOW() - INTERVAL 1 DAY", sqlMode: nil),
        DifferentialText("UPDATE accounts SET balance = 0 WHERE id = @id", sqlMode: nil),
        DifferentialText("UPDATE accounts SET balance = 0 WHERE id IN (SELECT id FROM t)", sqlMode: nil),
        DifferentialText("UPDATE accounts a SET a.balance = 0 WHERE a.id = 7", sqlMode: nil),
        DifferentialText("UPDATE a JOIN b ON a.id = b.id SET a.x = 1", sqlMode: nil),
        DifferentialText("UPDATE a JOIN b ON a.id = b.id SET a.x = 1 WHERE b.y = 3", sqlMode: nil),
        DifferentialText("UPDATE a JOIN b ON a.id = b.id SET a.x = 1 WHERE a.id = 3", sqlMode: nil),
        DifferentialText("UPDATE a, b SET a.x = 1, b.y = 2 WHERE a.id = 3", sqlMode: nil),
        DifferentialText("UPDATE a, b SET a.x = 1 WHERE id = 3", sqlMode: nil),
        DifferentialText("DELETE FROM sessions WHERE expires < NOW()", sqlMode: nil),
        DifferentialText("DELETE FROM sessions", sqlMode: nil),
        DifferentialText("DELETE FROM sessions LIMIT 1", sqlMode: nil),
        DifferentialText("DELETE QUICK IGNORE FROM sessions WHERE id = 3", sqlMode: nil),
        DifferentialText("DELETE a, b FROM a JOIN b ON a.id = b.id", sqlMode: nil),
        DifferentialText("DELETE x FROM orders x JOIN customers c ON c.id = x.customer_id WHERE c.id = 4", sqlMode: nil),
        DifferentialText("DELETE FROM a USING a JOIN b ON a.id = b.id WHERE a.id = 1", sqlMode: nil),
        DifferentialText("DELETE FROM a.* USING a JOIN b WHERE b.id = 1", sqlMode: nil),
        DifferentialText("DELETE FROM t RETURNING *", sqlMode: nil),
        DifferentialText("SELECT * FROM jobs FOR UPDATE", sqlMode: nil),
        DifferentialText("SELECT * FROM jobs WHERE id = 1 FOR UPDATE SKIP LOCKED", sqlMode: nil),
        DifferentialText("SELECT * FROM jobs LOCK IN SHARE MODE", sqlMode: nil),
        DifferentialText("SELECT NEXTVAL(s), NEXT VALUE FOR s2", sqlMode: nil),
        DifferentialText("SELECT SETVAL(s, 10)", sqlMode: nil),
        DifferentialText("SELECT PREVIOUS VALUE FOR s", sqlMode: nil),
        DifferentialText("LOCK TABLES t READ, u AS x WRITE", sqlMode: nil),
        DifferentialText("CREATE TABLE t (id INT PRIMARY KEY)", sqlMode: nil),
        DifferentialText("CREATE TABLE t2 LIKE t", sqlMode: nil),
        DifferentialText("ALTER TABLE orders ADD COLUMN note TEXT", sqlMode: nil),
        DifferentialText("ALTER ONLINE IGNORE TABLE orders RENAME TO orders_old", sqlMode: nil),
        DifferentialText("DROP TEMPORARY TABLE t", sqlMode: nil),
        DifferentialText("TRUNCATE orders", sqlMode: nil),
        DifferentialText("truncate table scratch.audit", sqlMode: nil),
        DifferentialText("CREATE UNIQUE INDEX i ON orders (id)", sqlMode: nil),
        DifferentialText("DROP INDEX i ON orders", sqlMode: nil),
        DifferentialText("CREATE VIEW v AS SELECT * FROM orders", sqlMode: nil),
        DifferentialText("CREATE VIEW v AS SELECT load_file('/etc/passwd')", sqlMode: nil),
        DifferentialText("RENAME TABLE a TO b, c TO d", sqlMode: nil),
        DifferentialText("CREATE SEQUENCE s", sqlMode: nil),
        DifferentialText("CREATE PROCEDURE p() SELECT 1", sqlMode: nil),
        DifferentialText("CREATE DEFINER = 'a'@'%' PROCEDURE p(IN x INT) BEGIN IF x > 0 THEN UPDATE t SET a = 1; END IF; END; SELECT 2", sqlMode: nil),
        DifferentialText("CREATE TRIGGER tr AFTER DELETE ON t FOR EACH ROW BEGIN INSERT INTO log VALUES (OLD.id); END; SELECT 1", sqlMode: nil),
        DifferentialText("CREATE EVENT e ON SCHEDULE EVERY 1 DAY DO DELETE FROM sessions", sqlMode: nil),
        DifferentialText("CREATE PROCEDURE p() BEGIN SET NAMES sjis; END", sqlMode: nil),
        DifferentialText("DROP PROCEDURE IF EXISTS p", sqlMode: nil),
        DifferentialText("DROP VIEW v", sqlMode: nil),
        DifferentialText("SET autocommit = 0", sqlMode: nil),
        DifferentialText("SET SESSION wait_timeout = 60, @@session.net_read_timeout = 30", sqlMode: nil),
        DifferentialText("SET @@max_statement_time = 5", sqlMode: nil),
        DifferentialText("SET LOCAL sql_select_limit = 10", sqlMode: nil),
        DifferentialText("SET @a = 1, @b := 'x'", sqlMode: nil),
        DifferentialText("SET @a = (SELECT COUNT(*) FROM t)", sqlMode: nil),
        DifferentialText("SET @a = load_file('/etc/passwd')", sqlMode: nil),
        DifferentialText("SET foreign_key_checks = 0", sqlMode: nil),
        DifferentialText("/*!40014 SET @OLD_FOREIGN_KEY_CHECKS=@@FOREIGN_KEY_CHECKS, FOREIGN_KEY_CHECKS=0 */", sqlMode: nil),
        DifferentialText("SET TRANSACTION ISOLATION LEVEL SERIALIZABLE", sqlMode: nil),
        DifferentialText("SET SESSION TRANSACTION READ ONLY", sqlMode: nil),
        DifferentialText("SET STATEMENT max_statement_time = 1 FOR DELETE FROM t", sqlMode: nil),
        DifferentialText("SET STATEMENT sql_mode = 'ANSI_QUOTES' FOR SELECT \"a\"", sqlMode: nil),
        DifferentialText("SET STATEMENT character_set_client = 'gbk' FOR SELECT 1", sqlMode: nil),
        DifferentialText("SET STATEMENT foreign_key_checks = 0 FOR DELETE FROM t WHERE id = 1", sqlMode: nil),
        DifferentialText("USE scratch", sqlMode: nil),
        DifferentialText("USE `other db`; DROP TABLE t", sqlMode: nil),
        DifferentialText("SET NAMES utf8mb4", sqlMode: nil),
        DifferentialText("SET NAMES 'utf8mb4' COLLATE 'utf8mb4_unicode_ci'", sqlMode: nil),
        DifferentialText("SET NAMES latin1", sqlMode: nil),
        DifferentialText("SET NAMES binary", sqlMode: nil),
        DifferentialText("SET CHARACTER SET utf8", sqlMode: nil),
        DifferentialText("SET character_set_results = NULL", sqlMode: nil),
        DifferentialText("SET NAMES gbk", sqlMode: nil),
        DifferentialText("set names 'GBK'", sqlMode: nil),
        DifferentialText("SET NAMES `big5`", sqlMode: nil),
        DifferentialText("SET NAMES \"sjis\"", sqlMode: nil),
        DifferentialText("SET NAMES _latin1'cp932'", sqlMode: nil),
        DifferentialText("SET NAMES utf8mb4 COLLATE gbk_bin", sqlMode: nil),
        DifferentialText("SET NAMES DEFAULT", sqlMode: nil),
        DifferentialText("SET CHARACTER SET sjis", sqlMode: nil),
        DifferentialText("SET CHARSET gb18030", sqlMode: nil),
        DifferentialText("SET character_set_client = big5", sqlMode: nil),
        DifferentialText("SET @@character_set_client = 'gbk'", sqlMode: nil),
        DifferentialText("SET @@session.character_set_client = gbk", sqlMode: nil),
        DifferentialText("SET SESSION character_set_connection = cp932", sqlMode: nil),
        DifferentialText("SET LOCAL character_set_results = sjis", sqlMode: nil),
        DifferentialText("SET collation_connection = gbk_chinese_ci", sqlMode: nil),
        DifferentialText("SET character_set_client = @cs", sqlMode: nil),
        DifferentialText("SET character_set_client = 28", sqlMode: nil),
        DifferentialText("SET autocommit = 1, NAMES gbk", sqlMode: nil),
        DifferentialText("SELECT 1; SET NAMES gbk; SELECT 2", sqlMode: nil),
        DifferentialText("SET sql_mode = 'STRICT_TRANS_TABLES,NO_ZERO_DATE'", sqlMode: nil),
        DifferentialText("SET SESSION sql_mode = ''", sqlMode: nil),
        DifferentialText("SET sql_mode = CONCAT(@@sql_mode, ',STRICT_ALL_TABLES')", sqlMode: nil),
        DifferentialText("SET sql_mode = 'ANSI_QUOTES'", sqlMode: nil),
        DifferentialText("SET sql_mode = 'ansi'", sqlMode: nil),
        DifferentialText("SET @@sql_mode = 'NO_BACKSLASH_ESCAPES'", sqlMode: nil),
        DifferentialText("SET @@session.sql_mode = 'MSSQL'", sqlMode: nil),
        DifferentialText("SET LOCAL sql_mode = 'TRADITIONAL,POSTGRESQL'", sqlMode: nil),
        DifferentialText("SET sql_mode = 'ANSI' '_QUOTES'", sqlMode: nil),
        DifferentialText("SET sql_mode = 4", sqlMode: nil),
        DifferentialText("SET sql_mode = 1048576", sqlMode: nil),
        DifferentialText("SET sql_mode = 0x414E53495F51554F544553", sqlMode: nil),
        DifferentialText("SET sql_mode = @x", sqlMode: nil),
        DifferentialText("SET sql_mode = DEFAULT", sqlMode: nil),
        DifferentialText("SET sql_mode = CONCAT(@@sql_mode, ',ANSI_QUOTES')", sqlMode: nil),
        DifferentialText("SET sql_mode = 'NO_BACKSLASH_ESCAPES'", sqlMode: "NO_BACKSLASH_ESCAPES"),
        DifferentialText("SET sql_mode = ''", sqlMode: "NO_BACKSLASH_ESCAPES"),
        DifferentialText("SET sql_mode = 'ANSI_QUOTES,STRICT_ALL_TABLES'", sqlMode: "ANSI_QUOTES"),
        DifferentialText("SET sql_mode = 'ANSI'", sqlMode: "ANSI_QUOTES"),
        DifferentialText("SET sql_mode = 'ORACLE'", sqlMode: "ANSI_QUOTES"),
        DifferentialText("SET sql_mode = 'MSSQL'", sqlMode: "ANSI_QUOTES"),
        DifferentialText("/*!40101 SET SQL_MODE='NO_AUTO_VALUE_ON_ZERO' */", sqlMode: nil),
        DifferentialText("SET `sql_mode` = 'ANSI_QUOTES'", sqlMode: nil),
        DifferentialText("SET sql_mode = 'NOT_A_MODE'", sqlMode: nil),
        DifferentialText("OPTIMIZE TABLE t", sqlMode: nil),
        DifferentialText("REPAIR TABLE t USE_FRM", sqlMode: nil),
        DifferentialText("ANALYZE TABLE t, u", sqlMode: nil),
        DifferentialText("CHECK TABLE t", sqlMode: nil),
        DifferentialText("LOAD INDEX INTO CACHE t", sqlMode: nil),
        DifferentialText("CACHE INDEX t IN hot", sqlMode: nil),
        DifferentialText("SHOW PROCESSLIST", sqlMode: nil),
        DifferentialText("SHOW FULL PROCESSLIST", sqlMode: nil),
        DifferentialText("BEGIN", sqlMode: nil),
        DifferentialText("BEGIN WORK", sqlMode: nil),
        DifferentialText("START TRANSACTION READ ONLY", sqlMode: nil),
        DifferentialText("START TRANSACTION WITH CONSISTENT SNAPSHOT", sqlMode: nil),
        DifferentialText("COMMIT", sqlMode: nil),
        DifferentialText("COMMIT AND NO CHAIN", sqlMode: nil),
        DifferentialText("ROLLBACK TO SAVEPOINT s1", sqlMode: nil),
        DifferentialText("SAVEPOINT s1; RELEASE SAVEPOINT s1", sqlMode: nil),
        DifferentialText("XA START 'x'", sqlMode: nil),
        DifferentialText("UNLOCK TABLES", sqlMode: nil),
        DifferentialText("EXPLAIN DELETE FROM t", sqlMode: nil),
        DifferentialText("EXPLAIN EXTENDED SELECT * FROM t", sqlMode: nil),
        DifferentialText("EXPLAIN FORMAT=JSON UPDATE t SET a = 1", sqlMode: nil),
        DifferentialText("EXPLAIN SELECT load_file('/etc/passwd')", sqlMode: nil),
        DifferentialText("DESCRIBE DELETE FROM t", sqlMode: nil),
        DifferentialText("EXPLAIN t", sqlMode: nil),
        DifferentialText("ANALYZE DELETE FROM t", sqlMode: nil),
        DifferentialText("ANALYZE FORMAT=JSON UPDATE t SET a = 1 WHERE id = 2", sqlMode: nil),
        DifferentialText("ANALYZE SELECT * FROM t", sqlMode: nil),
        DifferentialText("EXPLAIN ANALYZE DELETE FROM t", sqlMode: nil),
        DifferentialText("SHOW EXPLAIN FOR 42", sqlMode: nil),
        DifferentialText("PREPARE s FROM 'DELETE FROM t'", sqlMode: nil),
        DifferentialText("PREPARE s FROM 'SELECT * FROM t WHERE id = ?'", sqlMode: nil),
        DifferentialText("PREPARE s FROM 'SELECT 1; DROP TABLE x'", sqlMode: nil),
        DifferentialText("PREPARE s FROM 'SELECT ''a''; DROP TABLE x'", sqlMode: nil),
        DifferentialText("PREPARE s FROM 'SELECT \\'a\\'; DROP TABLE x'", sqlMode: nil),
        DifferentialText("PREPARE s FROM 'DROP' ' TABLE x'", sqlMode: nil),
        DifferentialText("PREPARE s FROM _utf8mb4 'DROP TABLE x'", sqlMode: nil),
        DifferentialText("PREPARE s FROM X'44524F50205441424C452078'", sqlMode: nil),
        DifferentialText("PREPARE s FROM \"SET NAMES gbk\"", sqlMode: nil),
        DifferentialText("PREPARE s FROM 'PREPARE t FROM ''DROP TABLE x'''", sqlMode: nil),
        DifferentialText("PREPARE s FROM @q", sqlMode: nil),
        DifferentialText("PREPARE s FROM CONCAT('DROP ', 'TABLE x')", sqlMode: nil),
        DifferentialText("EXECUTE s", sqlMode: nil),
        DifferentialText("EXECUTE s USING @a", sqlMode: nil),
        DifferentialText("EXECUTE IMMEDIATE 'DROP TABLE x'", sqlMode: nil),
        DifferentialText("EXECUTE IMMEDIATE 'SELECT ?' USING 1", sqlMode: nil),
        DifferentialText("EXECUTE IMMEDIATE @q", sqlMode: nil),
        DifferentialText("DEALLOCATE PREPARE s", sqlMode: nil),
        DifferentialText("DROP PREPARE s", sqlMode: nil),
        DifferentialText("SELECT load_file('/etc/passwd')", sqlMode: nil),
        DifferentialText("SELECT LOAD_FILE ('/etc/passwd')", sqlMode: nil),
        DifferentialText("SELECT `load_file`('/etc/passwd')", sqlMode: nil),
        DifferentialText("SELECT LoAd_FiLe/* x */('/etc/passwd')", sqlMode: nil),
        DifferentialText("SELECT /*!50000 load_file */('/etc/passwd')", sqlMode: nil),
        DifferentialText("SELECT * FROM t WHERE a = (SELECT load_file('/x'))", sqlMode: nil),
        DifferentialText("INSERT INTO t VALUES (load_file('/etc/passwd'))", sqlMode: nil),
        DifferentialText("DO load_file('/etc/passwd')", sqlMode: nil),
        DifferentialText("SELECT sys_exec('id')", sqlMode: nil),
        DifferentialText("SELECT scratch.load_file('x')", sqlMode: nil),
        DifferentialText("SELECT * FROM t INTO OUTFILE '/tmp/x'", sqlMode: nil),
        DifferentialText("SELECT * INTO DUMPFILE '/tmp/x' FROM t", sqlMode: nil),
        DifferentialText("SELECT 1 INTO outfile '/var/lib/mysql/x.php'", sqlMode: nil),
        DifferentialText("LOAD DATA LOCAL INFILE '/etc/passwd' INTO TABLE t", sqlMode: nil),
        DifferentialText("LOAD XML LOCAL INFILE 'x.xml' INTO TABLE t", sqlMode: nil),
        DifferentialText("PREPARE s FROM 'SELECT 1 INTO OUTFILE ''/tmp/x'''", sqlMode: nil),
        DifferentialText("BEGIN NOT ATOMIC SELECT 1; END", sqlMode: nil),
        DifferentialText("BEGIN NOT ATOMIC DECLARE x INT DEFAULT 1; IF x THEN DELETE FROM t; END IF; END; SELECT 1", sqlMode: nil),
        DifferentialText("BEGIN NOT ATOMIC SET NAMES gbk; END", sqlMode: nil),
        DifferentialText("IF 1 THEN SELECT 1; END IF", sqlMode: nil),
        DifferentialText("lbl: LOOP LEAVE lbl; END LOOP", sqlMode: nil),
        DifferentialText("FOR i IN 1..3 DO SELECT i; END FOR", sqlMode: nil),
        DifferentialText("CALL p()", sqlMode: nil),
        DifferentialText("FROBNICATE everything", sqlMode: nil),
        DifferentialText("'DROP TABLE x'", sqlMode: nil),
        DifferentialText("SELECT 1; CALL p()", sqlMode: nil),
        DifferentialText("DECLARE x INT", sqlMode: nil),
    ]
}

/// Texts made of statements whose literals, names and comments hide the
/// characters that end strings, comments and statements: seeded, so every
/// run sends the same ones.
enum GeneratedTexts {
    static let pieces = [
        "1", "'a;b'", "'a\\';b'", "'a\\\\'", "\"c;d\"", "\"c\\\";d\"", "`e;f`", "/* ; */", "-- ;\n", "# ;\n", "--1",
        "/*! 1 */", "/*!50000 + 1 */", "''''", "\\N", "_utf8mb4'x;'", "X'3B'", "0x3B", "@a", "--\t;\n", "/*+ ; */",
        "(1)", "+", "'\n;'", "[a;b]", "'--'", "'#'", "'/*'", "'*/'", "N'x;'", "'\\\\';'", "-- \r;\n", "#\r;\n",
        "\"''\"", "'\"'", "`'`", "@`a;`", "@'b;'", "/*M! 2 */", "1--1", "'\\\\\\''",
    ]
    static let stray = ["'", "\"", "`", "\\", ";", "#", "-", "/", "*", "!", "[", "]", " "]
    static let modes: [String?] = [nil, "NO_BACKSLASH_ESCAPES", "ANSI_QUOTES", "MSSQL", "ANSI_QUOTES,NO_BACKSLASH_ESCAPES"]

    static func texts(count: Int, seed: UInt64 = 0x5EED) -> [DifferentialText] {
        var state = seed
        func next(_ bound: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(bound))
        }
        return (0..<count).map { _ in
            var parts: [String] = []
            for _ in 0..<(2 + next(3)) {
                var expression = ""
                for _ in 0..<(1 + next(4)) {
                    expression += next(8) == 0 ? stray[next(stray.count)] : pieces[next(pieces.count)]
                    expression += next(2) == 0 ? " " : ""
                }
                parts.append(["SELECT ", "DO ", "SET @v = "][next(3)] + expression)
            }
            var text = DifferentialText(parts.joined(separator: [";", "; ", " ;\n"][next(3)]), sqlMode: modes[next(modes.count)])
            text.setup = false
            return text
        }
    }
}

/// The classifier against the server it stands in front of: every corpus
/// text and 600 generated ones run on MariaDB 10.11 (multi-statements on),
/// and performance_schema says how the server split each text and what each
/// statement was. The server must never run a statement the classifier did
/// not see, nor one other than the classifier named; a text the classifier
/// calls a read must run nothing but reads. Statements that would harm the
/// server or its accounts (SHUTDOWN, KILL, SET GLOBAL, INSTALL, GRANT,
/// accounts, databases) stay in the unit corpus only.
@Suite(.serialized, .ownThreads, .timeLimit(.minutes(8))) struct MySQLClassifierDifferentialTests {
    let server: MariaDBServer

    init() async throws {
        server = try await MariaDBServer.shared()
    }

    private func compare(_ texts: [DifferentialText]) throws -> (disagreements: Int, ran: Int) {
        let runs = try ClassifierDifferential.run(
            texts, port: server.port, user: "scratch", password: MariaDBServer.scratchPassword, database: "scratch")
        var disagreements = 0, ran = 0
        for (text, run) in zip(texts, runs) {
            if run.statements.contains(where: { $0.errno == 0 }) { ran += 1 }
            let problems = ClassifierDifferential.disagreements(text, run)
            if !problems.isEmpty { disagreements += 1 }
            for problem in problems {
                Issue.record("\(text): \(problem) (server: \(run.statements.map { "\($0.name)/\($0.errno)" }), \(run.error ?? "no error"))")
            }
        }
        return (disagreements, ran)
    }

    @Test func theServerSplitsAndNamesTheCorpusAsTheClassifierDoes() throws {
        let (disagreements, ran) = try compare(DifferentialTexts.texts)
        #expect(disagreements == 0)
        // Most texts ran at least one statement: the comparison is not vacuous.
        #expect(ran > DifferentialTexts.texts.count / 2, "only \(ran) texts ran a statement")
    }

    @Test func generatedTextsSplitAsTheServerSplitsThem() throws {
        let texts = GeneratedTexts.texts(count: 600)
        let (disagreements, ran) = try compare(texts)
        #expect(disagreements == 0)
        #expect(ran > 100, "only \(ran) generated texts ran a statement")
    }
}
