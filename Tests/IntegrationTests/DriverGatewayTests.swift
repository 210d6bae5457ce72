import Foundation
import Testing

/// Common drivers run a realistic workload through Warden with their
/// default settings: connect, prepared and unprepared queries, transactions,
/// COPY, LISTEN/NOTIFY and binary results on a connection without masking.
@Suite(.serialized, .ownThreads) struct DriverGatewayTests {
    let postgres: PostgresServer
    let gateway: GatewayProcess

    static func connections(_ postgres: PostgresServer) -> String {
        """
          - name: drivers
            protocol: postgres
            upstream: { host: 127.0.0.1, port: \(postgres.port), database: orders, user: app, password_env: ORDERS_DB_PASSWORD }
            allow_groups: [analysts]
            rules:
              - { match: { class: [ddl] }, action: deny, reason: "schema changes go through migrations" }
        """
    }

    init() async throws {
        postgres = try await PostgresServer.shared()
        _ = try postgres.superuser("""
            DROP TABLE IF EXISTS driver_people, driver_log, driver_types, driver_intruder;
            CREATE TABLE driver_people (id int PRIMARY KEY, name text NOT NULL, balance numeric(10, 2) NOT NULL,
                created timestamptz NOT NULL);
            INSERT INTO driver_people VALUES (1, 'Ada Lovelace', 10, '2026-01-02T03:04:05Z'),
                (2, 'Grace Hopper', 20, '2026-02-03T04:05:06Z');
            CREATE TABLE driver_log (note text NOT NULL);
            CREATE TABLE driver_types (id int PRIMARY KEY, raw bytea, tag uuid, doc jsonb, scores int[], ratio float8,
                ok bool, day date, price numeric(12, 4));
            INSERT INTO driver_types VALUES (1, '\\xdeadbeef', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '{"k": [1, 2]}',
                '{3,1,2}', 0.5, true, '2026-03-04', 1234.5678);
            ALTER TABLE driver_people OWNER TO app;
            ALTER TABLE driver_log OWNER TO app;
            ALTER TABLE driver_types OWNER TO app;
            """, database: "orders")
        gateway = try GatewayProcess(postgres: postgres, connections: Self.connections(postgres))
    }

    static func script(_ name: String) -> String {
        Paths.repositoryRoot.appendingPathComponent("Tests/Support/drivers/\(name)").path
    }

    /// Where scripts/lib/install-deps.sh unpacks Debian's node-pg (it cannot
    /// be installed beside this image's Node.js 20).
    static let nodePgModules = "/var/cache/warden-test/node-pg/usr/share/nodejs"

    /// Runs a workload as `program arguments… HOST PORT drivers TOKEN`; returns
    /// its output lines, after checking that it exited 0.
    func workload(_ program: String, _ arguments: [String], environment: [String: String] = [:]) throws -> [String] {
        let token = try gateway.devToken(subject: "alice", groups: ["analysts"])
        let result = try Command.run(program, arguments + ["127.0.0.1", "\(gateway.port)", "drivers", token], environment: environment)
        #expect(result.status == 0, "\(result.output)\n\(gateway.logs)")
        return result.stdout.split(separator: "\n").map(String.init)
    }

    /// What the upstream holds after a workload, read as the superuser.
    func upstream(_ sql: String) throws -> String {
        try postgres.superuser(sql, database: "orders").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static let refusal = "statement refused by Warden: schema changes go through migrations"

    @Test func asyncpgConnectsWithItsDefaultsAndRunsAWorkload() throws {
        defer { gateway.stop() }
        let token = try gateway.devToken(subject: "alice", groups: ["analysts"])
        let result = try Command.run("python3", [Self.script("asyncpg_workload.py"), "127.0.0.1", "\(gateway.port)", "drivers", token])
        #expect(result.status == 0, "\(result.output)\n\(gateway.logs)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.contains("server True"), "\(lines)")
        #expect(lines.contains("fetch [(1, 'Ada Lovelace', '10.00', '2026-01-02T03:04:05+00:00'), (2, 'Grace Hopper', '20.00', '2026-02-03T04:05:06+00:00')]"), "\(lines)")
        #expect(lines.contains("prepared ['Ada Lovelace', 'Grace Hopper', 'Ada Lovelace']"), "\(lines)")
        #expect(lines.contains("balances ['11.00', '20.00']"), "\(lines)")
        #expect(lines.contains(#"log a,b,c,d b'a\nb\nc\nd\n'"#), "\(lines)")
        #expect(lines.contains("notified hello"), "\(lines)")
        #expect(lines.contains { $0.hasPrefix("refused 42501 statement refused by Warden: schema changes go through migrations") },
                "\(lines)")
        #expect(lines.contains("still there 2"), "\(lines)")
        #expect(lines.contains("startup refused 22023 standard_conforming_strings"), "\(lines)")
        // asyncpg sends its own client_encoding too: a second copy, in another letter case.
        #expect(lines.contains("startup refused 08P01 Client_Encoding"), "\(lines)")
    }

    /// psycopg 2 binds parameters itself and sends the simple Query protocol;
    /// a named cursor is DECLARE and FETCH in the transaction it opens.
    @Test func psycopg2RunsAWorkload() throws {
        defer { gateway.stop() }
        let lines = try workload("python3", [Self.script("psycopg2_workload.py")])
        #expect(lines == [
            "server True UTF8",
            "fetch [(1, 'Ada Lovelace', '10.00', '2026-01-02T03:04:05+00:00'), (2, 'Grace Hopper', '20.00', '2026-02-03T04:05:06+00:00')]",
            "parameters it's 3 00ff",
            #"types ['deadbeef', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', "{'k': [1, 2]}", '[3, 1, 2]', '0.5', 'True', '2026-03-04', '1234.5678']"#,
            "named cursor ['Ada Lovelace', 'Grace Hopper']",
            "balances ['11.00', '20.00']",
            "copied in 2",
            #"copied out 'note\na\nb\nc\nd\n'"#,
            "refused 42501 InsufficientPrivilege ERROR:  \(Self.refusal)",
            // The refusal aborted the transaction, as PostgreSQL's own error would.
            "status after refusal failed transaction",
            "aborted 25P02",
            "still there 2",
            "committed after refusal",
            "refused again 42501",
            "rolled back 0",
            "notified [('driver_events', 'from psycopg2'), ('driver_events', 'second')]",
            "autocommit refused 42501",
            "autocommit still usable 1",
        ], "\(lines)")
        #expect(try upstream("SELECT string_agg(note, ',' ORDER BY note) FROM driver_log") == "a,after refusal,b,c,d")
        #expect(try upstream("SELECT to_regclass('driver_intruder') IS NULL") == "t")
    }

    /// psycopg 3 binds on the server, prepares, pipelines, asks for binary
    /// results and copies in binary: all allowed on a connection without masking.
    @Test func psycopg3RunsAWorkloadWithBinaryResultsAndCopy() throws {
        defer { gateway.stop() }
        let lines = try workload("python3", [Self.script("psycopg3_workload.py")])
        #expect(lines == [
            "server True UTF8",
            "fetch [(1, 'Ada Lovelace', '10.00', '2026-01-02T03:04:05+00:00'), (2, 'Grace Hopper', '20.00', '2026-02-03T04:05:06+00:00')]",
            "prepared ['Ada Lovelace', 'Grace Hopper', 'Ada Lovelace']",
            "auto-prepared ['10.00']",
            "prepared on the server ['SELECT balance FROM driver_people WHERE id = $1', 'SELECT name FROM driver_people WHERE id = $1']",
            #"binary True ['deadbeef', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', "{'k': [1, 2]}", '[3, 1, 2]', '0.5', 'True', '2026-03-04', '1234.5678']"#,
            "binary equals text True",
            "binary parameters 0001ff {'a': 1} [4, 5]",
            "server cursor [(1, 'Ada Lovelace'), (2, 'Grace Hopper')]",
            "balances ['11.00', '20.00']",
            "pipeline 2 Grace Hopper",
            "copy text [('a',), ('b',), ('c',), ('d',), ('e',), ('outer',)]",
            "copy binary [(1, 'deadbeef', [3, 1, 2])]",
            "refused 42501 InsufficientPrivilege \(Self.refusal)",
            "still there 2 0",
            "refused with parameters 42501",
            "usable 2",
            "notified [('driver_events', 'from psycopg 3'), ('driver_events', 'second')]",
            "pipeline refused 42501",
            "pipeline undone 0",
            "pipeline usable 3",
        ], "\(lines)")
        #expect(try upstream("SELECT string_agg(note, ',' ORDER BY note) FROM driver_log") == "a,b,c,d,e,outer")
    }

    /// SQLAlchemy 2's Core and ORM over psycopg 3 and over asyncpg (asyncio
    /// engine): reflection, select, insert in a transaction, rollback, text()
    /// with bound parameters, a streamed server-side cursor, and refusals
    /// as DBAPIError carrying the driver's SQLSTATE.
    @Test(arguments: ["psycopg", "asyncpg"])
    func sqlalchemyRunsAWorkload(driver: String) throws {
        defer { gateway.stop() }
        let lines = try workload("python3", [Self.script("sqlalchemy_workload.py"), driver])
        let core = [
            "columns ['id', 'name', 'balance', 'created']",
            "select [(1, 'Ada Lovelace'), (2, 'Grace Hopper')]",
            #"types ['1', 'deadbeef', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', "{'k': [1, 2]}", '[3, 1, 2]', '0.5', 'True', '2026-03-04', '1234.5678']"#,
            "text Grace Hopper",
            "streamed ['10.00', '20.00']",
            "log a,b",
            "refused ProgrammingError 42501 True",
            "still there 2",
        ]
        let native = driver == "asyncpg" ? ["async stream ['Ada Lovelace', 'Grace Hopper']", "async refused ProgrammingError 42501 True"] : []
        let orm = [
            "people ['Ada Lovelace', 'Grace Hopper']",
            "balances ['11.00', '20.00']",
            "orm refused ProgrammingError 42501 True",
            "notes ['a', 'b', 'orm']",
        ]
        #expect(lines == ["dialect \(driver) True"] + core + native + orm, "\(lines)")
        #expect(try upstream("SELECT string_agg(balance::text, ',' ORDER BY id) FROM driver_people") == "11.00,20.00")
        #expect(try upstream("SELECT count(*) FROM information_schema.columns WHERE table_name = 'driver_people'") == "4")
    }

    /// node-postgres (Debian's node-pg): simple and extended protocol, a named
    /// prepared query reused after refusals, transactions, a cursor reading a
    /// portal a row at a time, and LISTEN/NOTIFY.
    @Test func nodePostgresRunsAWorkload() throws {
        defer { gateway.stop() }
        guard FileManager.default.fileExists(atPath: "\(Self.nodePgModules)/pg/package.json") else {
            throw TestSetupError("node-pg is not unpacked in \(Self.nodePgModules) (scripts/test does it)")
        }
        let lines = try workload("node", [Self.script("node_pg_workload.js")], environment: ["NODE_PATH": Self.nodePgModules])
        #expect(lines == [
            "server true",
            #"fetch [[1,"Ada Lovelace","10.00","2026-01-02T03:04:05.000Z"],[2,"Grace Hopper","20.00","2026-02-03T04:05:06.000Z"]]"#,
            "parameters it's ok 00ff [1,2]",
            #"types ["deadbeef","a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",{"k":[1,2]},[3,1,2],0.5,true,"2026-03-04","1234.5678"]"#,
            #"prepared ["Ada Lovelace","Grace Hopper","Ada Lovelace"]"#,
            #"balances ["11.00","20.00"]"#,
            #"cursor [["a"],["b"]]"#,
            "refused 42501 \(Self.refusal)",
            "refused named 42501 \(Self.refusal)",
            "refused with parameters 42501 \(Self.refusal)",
            "refused in transaction 42501 \(Self.refusal)",
            "still there 2 0",
            "prepared again Grace Hopper",
            #"notified [["driver_events","from node-pg"],["driver_events","second"]]"#,
        ], "\(lines)")
        #expect(try upstream("SELECT to_regclass('driver_intruder') IS NULL") == "t")
    }

    /// The PostgreSQL JDBC driver with its defaults (named server-side
    /// statements with binary transfer from the fifth run): types, a savepoint,
    /// batches, COPY with CopyManager, LISTEN/NOTIFY and refusals, beside
    /// what JDBCGatewayTests checks (metadata queries, masking).
    @Test func jdbcRunsAWorkloadWithBatchesAndCopy() throws {
        defer { gateway.stop() }
        let lines = try workload("java", ["-cp", "/usr/share/java/postgresql.jar", Self.script("JdbcWorkload.java")])
        let ada = "Ada Lovelace@2026-01-02T03:04:05Z", grace = "Grace Hopper@2026-02-03T04:05:06Z"
        #expect(lines == [
            "prepared [\(ada), \(grace), \(ada), \(grace), \(ada), \(grace)]",
            #"types [deadbeef, a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11, {"k": [1, 2]}, [3, 1, 2], 0.5, true, 2026-03-04, 1234.5678]"#,
            "batch [1, 1]",
            "balances [11.00, 20.00]",
            "copied in 2",
            "copied out 5 a|b|c|d|outer|",
            "refused 42501 ERROR: \(Self.refusal)",
            "refused with parameters 42501",
            // As in PostgreSQL, a batch with an error in it (one Sync) is undone whole.
            "batch refused 42501",
            "still there [2] []",
            "notified [driver_events:from jdbc, driver_events:second]",
        ], "\(lines)")
        #expect(try upstream("SELECT string_agg(note, ',' ORDER BY note) FROM driver_log") == "a,b,c,d,outer")
        #expect(try upstream("SELECT to_regclass('driver_intruder') IS NULL") == "t")
    }
}
