import WardenSQLCore

@testable import WardenMySQLCore

/// One corpus entry: a message, the class and risk expected for it as a
/// whole, and (when given) each statement's command, the targets in order,
/// and whether the message is refused.
struct MySQLCorpusCase: Sendable, CustomStringConvertible {
    var text: [UInt8]
    var expectedClass: StatementClass
    var expectedRisk: SQLRisk
    var commands: [String]?
    var targets: [String]?
    var refused: Bool
    var syntax: MySQLSyntax

    init(_ sql: String, _ expectedClass: StatementClass, _ expectedRisk: SQLRisk, commands: [String]? = nil,
         targets: [String]? = nil, refused: Bool = false, syntax: MySQLSyntax = MySQLSyntax()) {
        self.init(bytes: Array(sql.utf8), expectedClass, expectedRisk, commands: commands, targets: targets,
                  refused: refused, syntax: syntax)
    }

    init(bytes: [UInt8], _ expectedClass: StatementClass, _ expectedRisk: SQLRisk, commands: [String]? = nil,
         targets: [String]? = nil, refused: Bool = false, syntax: MySQLSyntax = MySQLSyntax()) {
        self.text = bytes
        self.expectedClass = expectedClass
        self.expectedRisk = expectedRisk
        self.commands = commands
        self.targets = targets
        self.refused = refused
        self.syntax = syntax
    }

    var description: String {
        var text = String(decoding: text, as: UTF8.self).debugDescription
        if syntax.ansiQuotes { text += " [ANSI_QUOTES]" }
        if syntax.noBackslashEscapes { text += " [NO_BACKSLASH_ESCAPES]" }
        if syntax.bracketQuotes { text += " [MSSQL]" }
        return text
    }
}

/// Statements and evasions the classifier must get right, each as
/// MariaDB 10.11 reads it.
enum MySQLClassifierCorpus {
    static let ansi = MySQLSyntax(ansiQuotes: true)
    static let noBackslash = MySQLSyntax(noBackslashEscapes: true)
    static let mssql = MySQLSyntax(sqlMode: "MSSQL")

    static let cases: [MySQLCorpusCase] = reads + quoting + comments + executableComments + splitting + writes
        + schema + accessControl + settings + characterSets + sqlModes + administration + transactions + wrappers
        + prepared + functions + files + compound + unknowns

    static let reads: [MySQLCorpusCase] = [
        .init("SELECT 1", .read, .low, commands: ["SELECT"], targets: []),
        .init("select * from orders o join customers c on c.id = o.customer_id", .read, .low,
              targets: ["orders", "customers"]),
        .init("SELECT a FROM t1, scratch.t2 AS x, `t 3` WHERE a = 1", .read, .low, targets: ["t1", "scratch.t2", "t 3"]),
        .init("SELECT * FROM a NATURAL JOIN b, c STRAIGHT_JOIN (d JOIN e USING (id)) LEFT OUTER JOIN f ON true",
              .read, .low, targets: ["a", "b", "c", "d", "e", "f"]),
        .init("SELECT * FROM t WHERE id IN (SELECT id FROM u WHERE EXISTS (SELECT 1 FROM v))", .read, .low,
              targets: ["t", "u", "v"]),
        .init("SELECT EXTRACT(YEAR FROM ts), TRIM(LEADING 'x' FROM s) FROM events", .read, .low, targets: ["events"]),
        .init("WITH recent AS (SELECT * FROM orders) SELECT * FROM recent", .read, .low, targets: ["orders"]),
        .init("WITH RECURSIVE r AS (SELECT 1 AS n UNION ALL SELECT n + 1 FROM r WHERE n < 3) SELECT * FROM r, s",
              .read, .low, targets: ["s"]),
        .init("WITH payments AS (SELECT * FROM payments) SELECT * FROM payments", .read, .low, targets: ["payments"]),
        .init("SELECT * FROM (WITH x AS (SELECT 1) SELECT * FROM x) s, x", .read, .low, targets: ["x"]),
        .init("VALUES (1, 'a'), (2, 'b')", .read, .low, commands: ["VALUES"], targets: []),
        .init("TABLE accounts", .read, .low, commands: ["TABLE"], targets: ["accounts"]),
        .init("(SELECT 1) UNION (SELECT 2 FROM dual)", .read, .low, targets: []),
        .init("SELECT * FROM `Orders`, ORDERS, orders", .read, .low, targets: ["orders"]),
        .init("SELECT `select`, `from` FROM `where` WHERE `drop` = 1", .read, .low, targets: ["where"]),
        .init("SELECT SLEEP(1), BENCHMARK(10, MD5('a')), GET_LOCK('x', 1), RELEASE_LOCK('x')", .read, .low),
        .init("SELECT my_function(1), scratch.my_function(2)", .read, .low),
        .init("SELECT 1 INTO @one", .read, .low),
        .init("SELECT id FROM t LIMIT 1 INTO @id", .read, .low, targets: ["t"]),
        .init("SHOW TABLES", .read, .low, commands: ["SHOW"]),
        .init("SHOW FULL COLUMNS FROM t FROM scratch", .read, .low, targets: ["scratch.t"]),
        .init("SHOW CREATE TABLE scratch.t", .read, .low, targets: ["scratch.t"]),
        .init("SHOW VARIABLES LIKE 'sql_mode'", .read, .low),
        .init("DESCRIBE t", .read, .low, commands: ["DESCRIBE"], targets: ["t"]),
        .init("desc scratch.t id", .read, .low, targets: ["scratch.t"]),
        .init("HELP 'SELECT'", .read, .low, commands: ["HELP"]),
        .init("DO 1 + 1", .read, .low, commands: ["DO"]),
        .init("HANDLER t OPEN", .read, .low, commands: ["HANDLER"], targets: ["t"]),
        .init("CHECKSUM TABLE t, u", .read, .low, targets: ["t", "u"]),
        .init("SELECT * FROM t WHERE a = 'update' AND b = \"delete\"", .read, .low),
        .init("SELECT JSON_EXTRACT(doc, '$.a') FROM t PARTITION (p0) AS x USE INDEX (i) WHERE x.a > 1", .read, .low,
              targets: ["t"]),
        .init("SELECT * FROM t FOR SYSTEM_TIME ALL", .read, .low, targets: ["t"]),
        .init("SELECT 1 FROM t WHERE a = 1 GROUP BY a WITH ROLLUP", .read, .low),
    ]

    static let quoting: [MySQLCorpusCase] = [
        .init("SELECT 'DROP TABLE x'", .read, .low),
        .init("SELECT 'a;b'; SELECT \"c;d\"", .read, .low, commands: ["SELECT", "SELECT"]),
        .init("SELECT 'it''s; DROP TABLE x; --'", .read, .low, commands: ["SELECT"]),
        .init("SELECT \"say \"\"hi\"\"; DROP TABLE x\"", .read, .low, commands: ["SELECT"]),
        .init("SELECT `a``; DROP TABLE x; --` FROM t", .read, .low, commands: ["SELECT"], targets: ["t"]),
        // A backslash escapes the quote: one string to the server.
        .init("SELECT 'abc\\'; DROP TABLE x; -- '", .read, .low, commands: ["SELECT"]),
        .init("SELECT 'abc\\\\'; DROP TABLE x; -- '", .ddl, .high, commands: ["SELECT", "DROP TABLE"], targets: ["x"]),
        // Under NO_BACKSLASH_ESCAPES the backslash is data: the DROP is real.
        .init("SELECT 'abc\\'; DROP TABLE x; -- '", .ddl, .high, commands: ["SELECT", "DROP TABLE"], targets: ["x"],
              syntax: noBackslash),
        .init("SELECT \"abc\\\"; DROP TABLE x; -- \"", .ddl, .high, commands: ["SELECT", "DROP TABLE"],
              syntax: noBackslash),
        // Under ANSI_QUOTES " quotes a name, in which a backslash is data.
        .init("SELECT \"a\\\"; DROP TABLE x; -- \"", .ddl, .high, commands: ["SELECT", "DROP TABLE"], syntax: ansi),
        .init("SELECT \"drop\" FROM \"t\"", .read, .low, targets: ["t"], syntax: ansi),
        .init("SELECT \"t\"", .read, .low, targets: []),
        // MSSQL mode: [name] quotes a name.
        .init("SELECT [a;DROP TABLE x;--] FROM t", .read, .low, commands: ["SELECT"], syntax: mssql),
        .init("SELECT [a'] FROM t; DROP TABLE x; -- '", .ddl, .high, commands: ["SELECT", "DROP TABLE"], syntax: mssql),
        .init("SELECT _utf8mb4'x;y', N'z;w', X'3B', B'0111011', 0x3B, 0b1", .read, .low, commands: ["SELECT"]),
        .init("SELECT _latin1 'a' 'b;c' \"d\"", .read, .low, commands: ["SELECT"]),
        .init("SELECT 'abc", .unknown, .critical),
        .init("SELECT \"abc", .unknown, .critical),
        .init("SELECT `abc", .unknown, .critical),
        .init("SELECT 'abc\\'", .unknown, .critical),
        .init("SELECT X'4'", .unknown, .critical),
        .init("SELECT X'4G'", .unknown, .critical),
        .init("SELECT @`a;b`, @'c;d', @\"e;f\", @a.b", .read, .low, commands: ["SELECT"]),
        // `'\''` is a whole string: the DROP after it is real.
        .init("SELECT 1 FROM t WHERE c = '\\'' OR 1; DROP TABLE x; -- '", .ddl, .high, commands: ["SELECT", "DROP TABLE"]),
    ]

    static let comments: [MySQLCorpusCase] = [
        .init("/* DROP TABLE x; */ SELECT 1", .read, .low, commands: ["SELECT"]),
        .init("SELECT 1 -- ; DROP TABLE x", .read, .low, commands: ["SELECT"]),
        .init("SELECT 1 # ; DROP TABLE x", .read, .low, commands: ["SELECT"]),
        // `--` without a space is two minus signs: the DROP is real.
        .init("SELECT 1--1; DROP TABLE x", .ddl, .high, commands: ["SELECT", "DROP TABLE"]),
        .init("SELECT 1 --\tx\n; DROP TABLE x", .ddl, .high, commands: ["SELECT", "DROP TABLE"]),
        .init("SELECT 1 --\u{1}; DROP TABLE x", .read, .low, commands: ["SELECT"]),
        // A carriage return does not end a # or -- comment.
        .init("SELECT 1 # x\r; DROP TABLE x", .read, .low, commands: ["SELECT"]),
        .init("SELECT 1 -- x\r; DROP TABLE x", .read, .low, commands: ["SELECT"]),
        .init("SELECT 1 # x\n; DROP TABLE x", .ddl, .high, commands: ["SELECT", "DROP TABLE"]),
        .init("/* /* */ DROP TABLE x", .ddl, .high, commands: ["DROP TABLE"]),
        .init("dRoP/**/TaBlE x", .ddl, .high, commands: ["DROP TABLE"], targets: ["x"]),
        .init("DROP\tTABLE\nx", .ddl, .high, commands: ["DROP TABLE"], targets: ["x"]),
        .init("DROP\u{0B}TABLE\u{0C}x", .ddl, .high, commands: ["DROP TABLE"], targets: ["x"]),
        .init("SELECT 1 /* unclosed", .unknown, .critical),
        .init("SELECT 1 /*+ hint */ ; SELECT 2", .read, .low, commands: ["SELECT", "SELECT"]),
        .init("SELECT 1 -- ", .read, .low, commands: ["SELECT"]),
        .init("SELECT 1 --", .read, .low, commands: ["SELECT"]),
    ]

    static let executableComments: [MySQLCorpusCase] = [
        .init("/*!50000 DROP TABLE x */", .ddl, .high, commands: ["DROP TABLE"], targets: ["x"]),
        .init("/*! DROP TABLE x */", .ddl, .high, commands: ["DROP TABLE"]),
        .init("/*M! DROP TABLE x */", .ddl, .high, commands: ["DROP TABLE"]),
        .init("/*M!100100 DROP TABLE x */", .ddl, .high, commands: ["DROP TABLE"]),
        // Read whatever the version: MariaDB skips MySQL 5.7+ versions, MySQL runs them.
        .init("/*!80000 DROP TABLE x */", .ddl, .high, commands: ["DROP TABLE"]),
        .init("/*!99999 DROP TABLE x */", .ddl, .high, commands: ["DROP TABLE"]),
        .init("SELECT 1 /*!, 2 */ FROM t", .read, .low, targets: ["t"]),
        .init("SELECT 1 FROM t /*!50000 UNION SELECT load_file('/etc/passwd') */", .admin, .critical),
        .init("DROP /*!50000 TABLE */ x", .ddl, .high, commands: ["DROP TABLE"]),
        .init("/*!40101 SET NAMES utf8mb4 */", .transaction, .low, commands: ["SET"]),
        .init("/*!40101 SET NAMES gbk */", .transaction, .low, refused: true),
        .init("SET /*!50000 NAMES */ sjis", .transaction, .low, refused: true),
        // Where the comment ends depends on the version: refused.
        .init("SELECT 1 /*!99999 '*/; DROP TABLE x; -- ' */", .unknown, .critical, refused: true),
        .init("SELECT 1 /*!50700 # */ ; DROP TABLE x\n */", .unknown, .critical, refused: true),
        .init("SELECT 1 /*M! '*/ ; DROP TABLE x; -- ' */", .unknown, .critical, refused: true),
        // A statement boundary inside an executable comment: refused.
        .init("SELECT 1 /*! ; DROP TABLE x /* */", .unknown, .critical, refused: true),
        .init("SELECT 1 /*!99999 /* a */ ; DROP TABLE x */ ; SELECT 3", .unknown, .critical, refused: true),
        .init("SELECT 1 /*! /*! DROP TABLE x */ */", .unknown, .critical, refused: true),
        .init("SELECT 1 /*!50000 unclosed", .unknown, .critical),
        // Without `!`, a versioned-looking comment is a comment.
        .init("/*50000 DROP TABLE x */ SELECT 1", .read, .low, commands: ["SELECT"]),
        // A plain comment inside an executable one is skipped.
        .init("/*!50000 DROP /* x */ TABLE x */", .ddl, .high, commands: ["DROP TABLE"]),
    ]

    static let splitting: [MySQLCorpusCase] = [
        .init("SELECT 1; DROP TABLE t", .ddl, .high, commands: ["SELECT", "DROP TABLE"], targets: ["t"]),
        .init("SELECT 1;", .read, .low, commands: ["SELECT"]),
        .init("SELECT 1;;", .read, .low, commands: ["SELECT"]),
        .init(";;SELECT 1", .read, .low, commands: ["SELECT"]),
        .init("  sElEcT\t1;\n\n  DeLeTe\n FROM\tt  ", .write, .high, commands: ["SELECT", "DELETE"], targets: ["t"]),
        .init("SELECT 1; -- done", .read, .low, commands: ["SELECT"]),
        .init("BEGIN; DELETE FROM t; COMMIT", .write, .high, commands: ["BEGIN", "DELETE", "COMMIT"]),
        // U+00A0 is not whitespace to MariaDB: `SELECT\u{A0}1` is one name.
        .init("SELECT\u{A0}1", .unknown, .critical),
        .init("DROP\u{A0}TABLE x", .unknown, .critical),
        .init("SELECT\u{2028}1", .unknown, .critical),
        .init(bytes: Array("SELECT 1; ".utf8) + [0] + Array(" DROP TABLE x".utf8), .unknown, .critical),
        .init(bytes: Array("SELECT 0x".utf8) + [0xC3, 0x28], .unknown, .critical),
        .init(bytes: Array("SELECT '".utf8) + [0xFF, 0xC3] + Array("'".utf8), .read, .low),
        .init(bytes: Array("SELECT `".utf8) + [0xE6, 0x97, 0xA5] + Array("` FROM t".utf8), .read, .low,
              targets: ["t"]),
    ]

    static let writes: [MySQLCorpusCase] = [
        .init("INSERT INTO orders (id) VALUES (1)", .write, .medium, commands: ["INSERT"], targets: ["orders"]),
        .init("INSERT orders SET id = 1", .write, .medium, targets: ["orders"]),
        .init("INSERT INTO archive SELECT * FROM orders WHERE created < NOW()", .write, .medium,
              targets: ["archive", "orders"]),
        .init("INSERT INTO t VALUES (1, 2) ON DUPLICATE KEY UPDATE b = VALUES(b)", .write, .medium, targets: ["t"]),
        .init("INSERT INTO t SELECT id, 0 FROM t ON DUPLICATE KEY UPDATE b = 0", .write, .high, targets: ["t"]),
        .init("INSERT INTO t TABLE u", .write, .medium, targets: ["t", "u"]),
        .init("REPLACE INTO t VALUES (1, 2)", .write, .medium, commands: ["REPLACE"], targets: ["t"]),
        .init("REPLACE INTO t SELECT id, 0 FROM t", .write, .high, targets: ["t"]),
        .init("UPDATE accounts SET balance = 0 WHERE id = 7", .write, .medium, commands: ["UPDATE"],
              targets: ["accounts"]),
        .init("UPDATE accounts SET balance = 0", .write, .high),
        .init("UPDATE accounts SET balance = 0 LIMIT 1", .write, .high),
        .init("UPDATE accounts SET balance = 0 ORDER BY id LIMIT 10", .write, .high),
        .init("UPDATE accounts SET balance = 0 WHERE 1 = 1", .write, .high),
        .init("UPDATE accounts SET balance = 0 WHERE id = id", .write, .high),
        .init("UPDATE accounts SET balance = 0 WHERE id = 1 OR 1", .write, .high),
        .init("UPDATE accounts SET balance = 0 WHERE id = 1 || 1", .write, .high),
        .init("UPDATE accounts SET balance = 0 WHERE id = 1 = 0", .write, .high),
        .init("UPDATE accounts SET balance = 0 WHERE NOT id = 1", .write, .high),
        .init("UPDATE accounts SET balance = 0 WHERE id <> NULL", .write, .high),
        .init("UPDATE accounts SET balance = 0 WHERE id IS NOT NULL", .write, .high),
        .init("UPDATE accounts SET balance = 0 WHERE (id = 7)", .write, .medium),
        .init("UPDATE accounts SET balance = 0 WHERE id = 7 AND (a OR b)", .write, .medium),
        .init("UPDATE accounts SET balance = 0 WHERE id BETWEEN 1 AND 3", .write, .medium),
        .init("UPDATE accounts SET balance = 0 WHERE id IN (1, 2)", .write, .medium),
        .init("UPDATE accounts SET balance = 0 WHERE created < NOW() - INTERVAL 1 DAY", .write, .medium),
        .init("UPDATE accounts SET balance = 0 WHERE id = @id", .write, .medium),
        .init("UPDATE accounts SET balance = 0 WHERE id IN (SELECT id FROM t)", .write, .high, targets: ["accounts", "t"]),
        .init("UPDATE accounts a SET a.balance = 0 WHERE a.id = 7", .write, .medium, targets: ["accounts"]),
        .init("UPDATE a JOIN b ON a.id = b.id SET a.x = 1", .write, .high, commands: ["UPDATE"], targets: ["a", "b"]),
        .init("UPDATE a JOIN b ON a.id = b.id SET a.x = 1 WHERE b.y = 3", .write, .high),
        .init("UPDATE a JOIN b ON a.id = b.id SET a.x = 1 WHERE a.id = 3", .write, .medium),
        .init("UPDATE a, b SET a.x = 1, b.y = 2 WHERE a.id = 3", .write, .high),
        .init("UPDATE a, b SET a.x = 1 WHERE id = 3", .write, .high),
        .init("DELETE FROM sessions WHERE expires < NOW()", .write, .medium, commands: ["DELETE"], targets: ["sessions"]),
        .init("DELETE FROM sessions", .write, .high, targets: ["sessions"]),
        .init("DELETE FROM sessions LIMIT 1", .write, .high),
        .init("DELETE QUICK IGNORE FROM sessions WHERE id = 3", .write, .medium),
        .init("DELETE a, b FROM a JOIN b ON a.id = b.id", .write, .high, commands: ["DELETE"], targets: ["a", "b"]),
        .init("DELETE x FROM orders x JOIN customers c ON c.id = x.customer_id WHERE x.id = 4", .write, .medium,
              targets: ["orders", "customers"]),
        .init("DELETE x FROM orders x JOIN customers c ON c.id = x.customer_id WHERE c.id = 4", .write, .high),
        .init("DELETE FROM a USING a JOIN b ON a.id = b.id WHERE a.id = 1", .write, .medium, targets: ["a", "b"]),
        .init("DELETE FROM a.* USING a JOIN b WHERE b.id = 1", .write, .high),
        .init("DELETE FROM t RETURNING *", .write, .high),
        .init("SELECT * FROM jobs FOR UPDATE", .write, .medium, targets: ["jobs"]),
        .init("SELECT * FROM jobs WHERE id = 1 FOR UPDATE SKIP LOCKED", .write, .medium),
        .init("SELECT * FROM jobs LOCK IN SHARE MODE", .write, .medium),
        .init("SELECT NEXTVAL(s), NEXT VALUE FOR s2", .write, .medium, targets: ["s", "s2"]),
        .init("SELECT SETVAL(s, 10)", .write, .medium, targets: ["s"]),
        .init("SELECT PREVIOUS VALUE FOR s", .read, .low, targets: ["s"]),
        .init("LOCK TABLES t READ, u AS x WRITE", .write, .medium, commands: ["LOCK TABLES"], targets: ["t", "u"]),
        .init("UPDATE mysql.global_priv SET priv = '{}' WHERE user = 'x'", .dcl, .critical),
        .init("INSERT INTO mysql.user VALUES ()", .dcl, .critical),
    ]

    static let schema: [MySQLCorpusCase] = [
        .init("CREATE TABLE t (id INT PRIMARY KEY)", .ddl, .high, commands: ["CREATE TABLE"], targets: ["t"]),
        .init("CREATE OR REPLACE TEMPORARY TABLE IF NOT EXISTS s AS SELECT * FROM src", .ddl, .high,
              targets: ["s", "src"]),
        .init("CREATE TABLE t2 LIKE t", .ddl, .high, targets: ["t2", "t"]),
        .init("ALTER TABLE orders ADD COLUMN note TEXT", .ddl, .high, commands: ["ALTER TABLE"], targets: ["orders"]),
        .init("ALTER ONLINE IGNORE TABLE orders RENAME TO orders_old", .ddl, .high, targets: ["orders", "orders_old"]),
        .init("DROP TABLE IF EXISTS a, scratch.b CASCADE", .ddl, .high, commands: ["DROP TABLE"],
              targets: ["a", "scratch.b"]),
        .init("DROP TEMPORARY TABLE t", .ddl, .high, targets: ["t"]),
        .init("TRUNCATE orders", .ddl, .high, commands: ["TRUNCATE"], targets: ["orders"]),
        .init("truncate table scratch.audit", .ddl, .high, targets: ["scratch.audit"]),
        .init("CREATE UNIQUE INDEX i ON orders (id)", .ddl, .high, commands: ["CREATE INDEX"], targets: ["orders"]),
        .init("DROP INDEX i ON orders", .ddl, .high, commands: ["DROP INDEX"], targets: ["orders"]),
        .init("CREATE VIEW v AS SELECT * FROM orders", .ddl, .high, commands: ["CREATE VIEW"], targets: ["v", "orders"]),
        .init("CREATE OR REPLACE ALGORITHM=MERGE DEFINER=CURRENT_USER SQL SECURITY INVOKER VIEW v AS SELECT 1", .ddl,
              .high, commands: ["CREATE VIEW"]),
        .init("CREATE VIEW v AS SELECT load_file('/etc/passwd')", .admin, .critical),
        .init("RENAME TABLE a TO b, c TO d", .ddl, .high, commands: ["RENAME TABLE"], targets: ["a", "b", "c", "d"]),
        .init("CREATE SEQUENCE s", .ddl, .high, commands: ["CREATE SEQUENCE"], targets: ["s"]),
        .init("CREATE PROCEDURE p() SELECT 1", .ddl, .high, commands: ["CREATE PROCEDURE"]),
        .init("CREATE PROCEDURE p() BEGIN DELETE FROM t; SELECT 1; END", .ddl, .high, commands: ["CREATE PROCEDURE"],
              targets: ["t"]),
        .init("CREATE DEFINER = 'a'@'%' PROCEDURE p(IN x INT) BEGIN IF x > 0 THEN UPDATE t SET a = 1; END IF; END; SELECT 2",
              .ddl, .high, commands: ["CREATE PROCEDURE", "SELECT"]),
        .init("CREATE FUNCTION f() RETURNS INT DETERMINISTIC BEGIN RETURN (SELECT COUNT(*) FROM t); END", .ddl, .high,
              commands: ["CREATE FUNCTION"], targets: ["t"]),
        .init("CREATE FUNCTION f() RETURNS INT RETURN 1; DROP TABLE x", .ddl, .high,
              commands: ["CREATE FUNCTION", "DROP TABLE"]),
        .init("CREATE PROCEDURE p(begin INT) SELECT begin; DROP TABLE x", .ddl, .high,
              commands: ["CREATE PROCEDURE", "DROP TABLE"], targets: ["x"]),
        .init("CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW SET NEW.a = 1", .ddl, .high,
              commands: ["CREATE TRIGGER"], targets: ["t"]),
        .init("CREATE TRIGGER tr AFTER DELETE ON t FOR EACH ROW BEGIN INSERT INTO log VALUES (OLD.id); END; SELECT 1",
              .ddl, .high, commands: ["CREATE TRIGGER", "SELECT"], targets: ["t", "log"]),
        .init("CREATE EVENT e ON SCHEDULE EVERY 1 DAY DO DELETE FROM sessions", .ddl, .high, commands: ["CREATE EVENT"]),
        .init("CREATE PROCEDURE p() BEGIN CASE WHEN 1 THEN SELECT 1; ELSE SELECT 2; END CASE; END", .ddl, .high,
              commands: ["CREATE PROCEDURE"]),
        .init("CREATE PROCEDURE p() BEGIN SET NAMES sjis; END", .ddl, .high, refused: true),
        .init("CREATE FUNCTION f RETURNS STRING SONAME 'lib_mysqludf_sys.so'", .admin, .critical),
        .init("DROP PROCEDURE IF EXISTS p", .ddl, .high, commands: ["DROP PROCEDURE"]),
        .init("CREATE TABLE f (a TEXT) ENGINE=CONNECT TABLE_TYPE=CSV FILE_NAME='/etc/passwd'", .admin, .critical),
        .init("CREATE TABLE f (a INT) ENGINE = FEDERATED CONNECTION = 'mysql://u@evil/db/t'", .admin, .critical),
        .init("CREATE TABLE f (a INT) DATA DIRECTORY = '/var/www'", .admin, .critical),
        .init("ALTER TABLE t ENGINE = Spider", .admin, .critical),
        .init("CREATE TABLE f (a INT) ENGINE = InnoDB COMMENT 'connection'", .ddl, .high),
        .init("DROP VIEW v", .ddl, .high, commands: ["DROP VIEW"], targets: ["v"]),
    ]

    static let accessControl: [MySQLCorpusCase] = [
        .init("GRANT SELECT ON scratch.orders TO analyst", .dcl, .critical, commands: ["GRANT"],
              targets: ["scratch.orders"]),
        .init("GRANT ALL ON *.* TO 'x'@'%' WITH GRANT OPTION", .dcl, .critical, targets: []),
        .init("GRANT ALL ON scratch.* TO x", .dcl, .critical, targets: []),
        .init("REVOKE SELECT ON orders FROM analyst", .dcl, .critical, commands: ["REVOKE"], targets: ["orders"]),
        .init("CREATE USER bob IDENTIFIED BY 'x'", .dcl, .critical, commands: ["CREATE USER"]),
        .init("ALTER USER bob IDENTIFIED BY 'y'", .dcl, .critical, commands: ["ALTER USER"]),
        .init("DROP USER IF EXISTS bob", .dcl, .critical, commands: ["DROP USER"]),
        .init("RENAME USER bob TO alice", .dcl, .critical, commands: ["RENAME USER"]),
        .init("CREATE ROLE r", .dcl, .critical, commands: ["CREATE ROLE"]),
        .init("SET ROLE r", .dcl, .critical, commands: ["SET ROLE"]),
        .init("SET DEFAULT ROLE r FOR bob", .dcl, .critical, commands: ["SET DEFAULT ROLE"]),
        .init("SET PASSWORD FOR bob = PASSWORD('x')", .dcl, .critical, commands: ["SET PASSWORD"]),
        .init("GRANT r TO bob", .dcl, .critical),
    ]

    static let settings: [MySQLCorpusCase] = [
        .init("SET autocommit = 0", .transaction, .low, commands: ["SET"]),
        .init("SET SESSION wait_timeout = 60, @@session.net_read_timeout = 30", .transaction, .low),
        .init("SET @@max_statement_time = 5", .transaction, .low),
        .init("SET LOCAL sql_select_limit = 10", .transaction, .low),
        .init("SET @a = 1, @b := 'x'", .read, .low, commands: ["SET"]),
        .init("SET @a = (SELECT COUNT(*) FROM t)", .read, .low, targets: ["t"]),
        .init("SET @a = load_file('/etc/passwd')", .admin, .critical),
        .init("SET GLOBAL max_connections = 1000", .admin, .critical),
        .init("SET @@global.max_connections = 1000", .admin, .critical),
        .init("SET @@GLOBAL . max_connections = 1000", .admin, .critical),
        .init("SET GLOBAL wait_timeout = 60, net_read_timeout = 30", .admin, .critical),
        .init("SET wait_timeout = 60, GLOBAL net_read_timeout = 30", .admin, .critical),
        .init("SET PERSIST max_connections = 1000", .admin, .critical),
        .init("SET sql_log_bin = 0", .admin, .critical),
        .init("SET foreign_key_checks = 0", .admin, .critical),
        .init("/*!40014 SET @OLD_FOREIGN_KEY_CHECKS=@@FOREIGN_KEY_CHECKS, FOREIGN_KEY_CHECKS=0 */", .admin, .critical),
        .init("SET TRANSACTION ISOLATION LEVEL SERIALIZABLE", .transaction, .low, commands: ["SET TRANSACTION"]),
        .init("SET SESSION TRANSACTION READ ONLY", .transaction, .low),
        .init("SET GLOBAL TRANSACTION ISOLATION LEVEL READ COMMITTED", .admin, .critical),
        .init("SET STATEMENT max_statement_time = 1 FOR SELECT * FROM t", .read, .low, commands: ["SET STATEMENT"],
              targets: ["t"]),
        .init("SET STATEMENT max_statement_time = 1 FOR DELETE FROM t", .write, .high),
        .init("SET STATEMENT sql_mode = 'ANSI_QUOTES' FOR SELECT \"a\"", .read, .low, refused: true),
        .init("SET STATEMENT character_set_client = 'gbk' FOR SELECT 1", .read, .low, refused: true),
        .init("SET STATEMENT foreign_key_checks = 0 FOR DELETE FROM t WHERE id = 1", .admin, .critical),
        .init("USE scratch", .transaction, .low, commands: ["USE"], targets: []),
        .init("USE `other db`; DROP TABLE t", .ddl, .high, commands: ["USE", "DROP TABLE"], targets: ["t"]),
    ]

    static let characterSets: [MySQLCorpusCase] = [
        .init("SET NAMES utf8mb4", .transaction, .low, commands: ["SET"]),
        .init("SET NAMES 'utf8mb4' COLLATE 'utf8mb4_unicode_ci'", .transaction, .low),
        .init("SET NAMES latin1", .transaction, .low, refused: true),
        .init("SET NAMES binary", .transaction, .low, refused: true),
        .init("SET CHARACTER SET utf8", .transaction, .low),
        .init("SET character_set_results = NULL", .transaction, .low),
        .init("SET NAMES gbk", .transaction, .low, refused: true),
        .init("set names 'GBK'", .transaction, .low, refused: true),
        .init("SET NAMES `big5`", .transaction, .low, refused: true),
        .init("SET NAMES \"sjis\"", .transaction, .low, refused: true),
        .init("SET NAMES _latin1'cp932'", .transaction, .low, refused: true),
        .init("SET NAMES utf8mb4 COLLATE gbk_bin", .transaction, .low, refused: true),
        .init("SET NAMES DEFAULT", .transaction, .low, refused: true),
        .init("SET CHARACTER SET sjis", .transaction, .low, refused: true),
        .init("SET CHARSET gb18030", .transaction, .low, refused: true),
        .init("SET character_set_client = big5", .transaction, .low, refused: true),
        .init("SET @@character_set_client = 'gbk'", .transaction, .low, refused: true),
        .init("SET @@session.character_set_client = gbk", .transaction, .low, refused: true),
        .init("SET SESSION character_set_connection = cp932", .transaction, .low, refused: true),
        .init("SET LOCAL character_set_results = sjis", .transaction, .low, refused: true),
        .init("SET collation_connection = gbk_chinese_ci", .transaction, .low, refused: true),
        .init("SET character_set_client = @cs", .transaction, .low, refused: true),
        .init("SET character_set_client = 28", .transaction, .low, refused: true),
        .init("SET GLOBAL character_set_client = gbk", .admin, .critical, refused: true),
        .init("SET autocommit = 1, NAMES gbk", .transaction, .low, refused: true),
        .init("SELECT 1; SET NAMES gbk; SELECT 2", .transaction, .low, refused: true),
    ]

    static let sqlModes: [MySQLCorpusCase] = [
        .init("SET sql_mode = 'STRICT_TRANS_TABLES,NO_ZERO_DATE'", .transaction, .low),
        .init("SET SESSION sql_mode = ''", .transaction, .low),
        .init("SET sql_mode = CONCAT(@@sql_mode, ',STRICT_ALL_TABLES')", .transaction, .low),
        .init("SET sql_mode = 'ANSI_QUOTES'", .transaction, .low, refused: true),
        .init("SET sql_mode = 'ansi'", .transaction, .low, refused: true),
        .init("SET @@sql_mode = 'NO_BACKSLASH_ESCAPES'", .transaction, .low, refused: true),
        .init("SET @@session.sql_mode = 'MSSQL'", .transaction, .low, refused: true),
        .init("SET LOCAL sql_mode = 'TRADITIONAL,POSTGRESQL'", .transaction, .low, refused: true),
        .init("SET sql_mode = 'ANSI' '_QUOTES'", .transaction, .low, refused: true),
        .init("SET sql_mode = 4", .transaction, .low, refused: true),
        .init("SET sql_mode = 1048576", .transaction, .low, refused: true),
        .init("SET sql_mode = 0x414E53495F51554F544553", .transaction, .low, refused: true),
        .init("SET sql_mode = @x", .transaction, .low, refused: true),
        .init("SET sql_mode = DEFAULT", .transaction, .low, refused: true),
        .init("SET sql_mode = CONCAT(@@sql_mode, ',ANSI_QUOTES')", .transaction, .low, refused: true),
        .init("SET sql_mode = REPLACE(@@sql_mode, 'NO_BACKSLASH_ESCAPES', '')", .transaction, .low, refused: true,
              syntax: noBackslash),
        .init("SET sql_mode = 'NO_BACKSLASH_ESCAPES'", .transaction, .low, syntax: noBackslash),
        .init("SET sql_mode = ''", .transaction, .low, refused: true, syntax: noBackslash),
        .init("SET sql_mode = 'ANSI_QUOTES,STRICT_ALL_TABLES'", .transaction, .low, syntax: ansi),
        .init("SET sql_mode = 'ANSI'", .transaction, .low, syntax: ansi),
        .init("SET sql_mode = 'ORACLE'", .transaction, .low, refused: true, syntax: ansi),
        .init("SET sql_mode = 'MSSQL'", .transaction, .low, refused: true, syntax: ansi),
        .init("/*!40101 SET SQL_MODE='NO_AUTO_VALUE_ON_ZERO' */", .transaction, .low),
        .init("SET GLOBAL sql_mode = 'ANSI_QUOTES'", .admin, .critical, refused: true),
        .init("SET `sql_mode` = 'ANSI_QUOTES'", .transaction, .low, refused: true),
        .init("SET sql_mode = 'NOT_A_MODE'", .transaction, .low, refused: true),
    ]

    static let administration: [MySQLCorpusCase] = [
        .init("SHUTDOWN", .admin, .critical, commands: ["SHUTDOWN"]),
        .init("KILL 42", .admin, .critical, commands: ["KILL"], refused: true),
        .init("KILL QUERY 42", .admin, .critical, refused: true),
        .init("KILL CONNECTION 42", .admin, .critical, refused: true),
        .init("FLUSH PRIVILEGES", .admin, .critical, commands: ["FLUSH"]),
        .init("FLUSH TABLES t WITH READ LOCK", .admin, .critical, targets: ["t"]),
        .init("RESET MASTER", .admin, .critical),
        .init("PURGE BINARY LOGS BEFORE NOW()", .admin, .critical),
        .init("CHANGE MASTER TO MASTER_HOST = 'evil'", .admin, .critical),
        .init("START SLAVE", .admin, .critical),
        .init("STOP REPLICA", .admin, .critical),
        .init("INSTALL PLUGIN x SONAME 'x.so'", .admin, .critical, commands: ["INSTALL"]),
        .init("INSTALL SONAME 'auth_ed25519'", .admin, .critical),
        .init("UNINSTALL PLUGIN x", .admin, .critical),
        .init("CREATE DATABASE d", .admin, .critical, commands: ["CREATE DATABASE"]),
        .init("DROP DATABASE d", .admin, .critical, commands: ["DROP DATABASE"]),
        .init("DROP SCHEMA IF EXISTS d", .admin, .critical),
        .init("ALTER DATABASE d CHARACTER SET utf8mb4", .admin, .critical),
        .init("CREATE SERVER s FOREIGN DATA WRAPPER mysql OPTIONS (HOST 'evil')", .admin, .critical),
        .init("OPTIMIZE TABLE t", .admin, .critical, commands: ["OPTIMIZE TABLE"], targets: ["t"]),
        .init("REPAIR TABLE t USE_FRM", .admin, .critical),
        .init("ANALYZE TABLE t, u", .admin, .critical, commands: ["ANALYZE TABLE"], targets: ["t", "u"]),
        .init("CHECK TABLE t", .admin, .critical, commands: ["CHECK TABLE"]),
        .init("LOAD INDEX INTO CACHE t", .admin, .critical),
        .init("CACHE INDEX t IN hot", .admin, .critical, targets: ["t"]),
        .init("SHOW PROCESSLIST", .admin, .critical),
        .init("SHOW FULL PROCESSLIST", .admin, .critical),
        .init("SELECT info FROM information_schema.processlist", .admin, .critical),
        .init("SELECT * FROM performance_schema.events_statements_history_long", .admin, .critical),
        .init("SHOW BINLOG EVENTS", .admin, .critical),
        .init("BACKUP STAGE START", .admin, .critical),
    ]

    static let transactions: [MySQLCorpusCase] = [
        .init("BEGIN", .transaction, .low, commands: ["BEGIN"]),
        .init("BEGIN WORK", .transaction, .low),
        .init("START TRANSACTION READ ONLY", .transaction, .low, commands: ["START TRANSACTION"]),
        .init("START TRANSACTION WITH CONSISTENT SNAPSHOT", .transaction, .low),
        .init("COMMIT", .transaction, .low),
        .init("COMMIT AND NO CHAIN", .transaction, .low),
        .init("ROLLBACK TO SAVEPOINT s1", .transaction, .low),
        .init("SAVEPOINT s1; RELEASE SAVEPOINT s1", .transaction, .low, commands: ["SAVEPOINT", "RELEASE"]),
        .init("XA START 'x'", .transaction, .low),
        .init("UNLOCK TABLES", .transaction, .low, commands: ["UNLOCK TABLES"]),
    ]

    static let wrappers: [MySQLCorpusCase] = [
        .init("EXPLAIN DELETE FROM t", .read, .low, commands: ["EXPLAIN"], targets: ["t"]),
        .init("EXPLAIN EXTENDED SELECT * FROM t", .read, .low, targets: ["t"]),
        .init("EXPLAIN FORMAT=JSON UPDATE t SET a = 1", .read, .low),
        .init("EXPLAIN SELECT load_file('/etc/passwd')", .admin, .critical),
        .init("DESCRIBE DELETE FROM t", .read, .low, commands: ["EXPLAIN"]),
        .init("EXPLAIN t", .read, .low, commands: ["DESCRIBE"], targets: ["t"]),
        // MariaDB's ANALYZE runs the statement.
        .init("ANALYZE DELETE FROM t", .write, .high, commands: ["ANALYZE"], targets: ["t"]),
        .init("ANALYZE FORMAT=JSON UPDATE t SET a = 1 WHERE id = 2", .write, .medium),
        .init("ANALYZE SELECT * FROM t", .read, .low),
        .init("EXPLAIN ANALYZE DELETE FROM t", .write, .high),
        .init("SHOW EXPLAIN FOR 42", .admin, .critical),
    ]

    static let prepared: [MySQLCorpusCase] = [
        .init("PREPARE s FROM 'DELETE FROM t'", .write, .high, commands: ["PREPARE"], targets: ["t"]),
        .init("PREPARE s FROM 'SELECT * FROM t WHERE id = ?'", .read, .low, targets: ["t"]),
        .init("PREPARE s FROM 'SELECT 1; DROP TABLE x'", .ddl, .high),
        .init("PREPARE s FROM 'SELECT ''a''; DROP TABLE x'", .ddl, .high, targets: ["x"]),
        .init("PREPARE s FROM 'SELECT \\'a\\'; DROP TABLE x'", .ddl, .high),
        .init("PREPARE s FROM 'DROP' ' TABLE x'", .ddl, .high, targets: ["x"]),
        .init("PREPARE s FROM _utf8mb4 'DROP TABLE x'", .ddl, .high),
        .init("PREPARE s FROM X'44524F50205441424C452078'", .ddl, .high, targets: ["x"]),
        .init("PREPARE s FROM \"SET NAMES gbk\"", .transaction, .low, refused: true),
        .init("PREPARE s FROM 'PREPARE t FROM ''DROP TABLE x'''", .ddl, .high),
        .init("PREPARE s FROM @q", .unknown, .critical, commands: ["PREPARE"]),
        .init("PREPARE s FROM CONCAT('DROP ', 'TABLE x')", .unknown, .critical),
        .init("EXECUTE s", .unknown, .critical, commands: ["EXECUTE"]),
        .init("EXECUTE s USING @a", .unknown, .critical),
        .init("EXECUTE IMMEDIATE 'DROP TABLE x'", .ddl, .high, commands: ["EXECUTE IMMEDIATE"], targets: ["x"]),
        .init("EXECUTE IMMEDIATE 'SELECT ?' USING 1", .read, .low),
        .init("EXECUTE IMMEDIATE @q", .unknown, .critical),
        .init("DEALLOCATE PREPARE s", .read, .low, commands: ["DEALLOCATE PREPARE"]),
        .init("DROP PREPARE s", .read, .low, commands: ["DEALLOCATE PREPARE"]),
    ]

    static let functions: [MySQLCorpusCase] = [
        .init("SELECT load_file('/etc/passwd')", .admin, .critical),
        .init("SELECT LOAD_FILE ('/etc/passwd')", .admin, .critical),
        .init("SELECT `load_file`('/etc/passwd')", .admin, .critical),
        .init("SELECT LoAd_FiLe/* x */('/etc/passwd')", .admin, .critical),
        .init("SELECT /*!50000 load_file */('/etc/passwd')", .admin, .critical),
        .init("SELECT * FROM t WHERE a = (SELECT load_file('/x'))", .admin, .critical),
        .init("INSERT INTO t VALUES (load_file('/etc/passwd'))", .admin, .critical),
        .init("DO load_file('/etc/passwd')", .admin, .critical),
        .init("SELECT sys_exec('id')", .admin, .critical),
        .init("SELECT scratch.load_file('x')", .read, .low),
    ]

    static let files: [MySQLCorpusCase] = [
        .init("SELECT * FROM t INTO OUTFILE '/tmp/x'", .admin, .critical, targets: ["t"], refused: true),
        .init("SELECT * INTO DUMPFILE '/tmp/x' FROM t", .admin, .critical, refused: true),
        .init("SELECT 1 INTO outfile '/var/lib/mysql/x.php'", .admin, .critical, refused: true),
        .init("LOAD DATA INFILE '/etc/passwd' INTO TABLE t", .admin, .critical, commands: ["LOAD DATA"],
              targets: ["t"], refused: true),
        .init("LOAD DATA LOCAL INFILE '/etc/passwd' INTO TABLE t", .write, .high, targets: ["t"], refused: true),
        .init("load data low_priority local infile 'x' replace into table scratch.t", .write, .high,
              targets: ["scratch.t"], refused: true),
        .init("LOAD XML LOCAL INFILE 'x.xml' INTO TABLE t", .write, .high, commands: ["LOAD XML"], refused: true),
        .init("PREPARE s FROM 'SELECT 1 INTO OUTFILE ''/tmp/x'''", .admin, .critical, refused: true),
    ]

    static let compound: [MySQLCorpusCase] = [
        .init("BEGIN NOT ATOMIC SELECT 1; END", .unknown, .critical, commands: ["BEGIN NOT ATOMIC"]),
        .init("BEGIN NOT ATOMIC DECLARE x INT DEFAULT 1; IF x THEN DELETE FROM t; END IF; END; SELECT 1", .unknown,
              .critical, commands: ["BEGIN NOT ATOMIC", "SELECT"], targets: ["t"]),
        .init("BEGIN NOT ATOMIC SET NAMES gbk; END", .unknown, .critical, refused: true),
        .init("IF 1 THEN SELECT 1; END IF", .unknown, .critical, commands: ["IF"]),
        .init("lbl: LOOP LEAVE lbl; END LOOP", .unknown, .critical),
        .init("FOR i IN 1..3 DO SELECT i; END FOR", .unknown, .critical),
        .init("CALL p()", .unknown, .critical, commands: ["CALL"]),
    ]

    static let unknowns: [MySQLCorpusCase] = [
        .init("FROBNICATE everything", .unknown, .critical),
        .init("'DROP TABLE x'", .unknown, .critical),
        .init("BINLOG 'AAAA'", .unknown, .critical),
        .init("SELECT 1; CALL p()", .unknown, .critical),
        .init("DECLARE x INT", .unknown, .critical),
    ]
}
