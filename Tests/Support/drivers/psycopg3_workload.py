"""A realistic psycopg 3 workload through Warden, with the driver's defaults.

psycopg 3 binds parameters on the server (the extended protocol), prepares a
statement it runs often, asks for binary results when told to, pipelines
with `pipeline()` and `executemany`, and copies row by row in text or binary.

Usage: psycopg3_workload.py HOST PORT DATABASE TOKEN
Prints one line per step for the Swift test to check; exits non-zero on an
unexpected error.
"""
import sys

import psycopg
import psycopg.errors
import psycopg.pq
import psycopg.types.json


def show(values):
    return [v.hex() if isinstance(v, bytes) else str(v) for v in values]


def main(host, port, database, token):
    connect = dict(host=host, port=int(port), dbname=database, user="alice", password=token, sslmode="require")
    with psycopg.connect(**connect) as connection:
        print("server", connection.info.server_version > 0, connection.info.parameter_status("client_encoding"))
        # Parameters bound by the server, text results.
        rows = connection.execute("SELECT id, name, balance, created FROM driver_people WHERE id = ANY(%s) ORDER BY id",
                                  ([1, 2],)).fetchall()
        print("fetch", [(i, n, str(b), c.isoformat()) for i, n, b, c in rows])
        # Prepared: explicitly, and by the driver after a statement ran five times.
        print("prepared", [connection.execute("SELECT name FROM driver_people WHERE id = %s", (i,), prepare=True).fetchone()[0]
                           for i in (1, 2, 1)])
        print("auto-prepared", sorted({str(connection.execute("SELECT balance FROM driver_people WHERE id = %s", (1,)).fetchone()[0])
                                       for _ in range(8)}))
        print("prepared on the server", [s for (s,) in connection.execute(
            "SELECT statement FROM pg_prepared_statements WHERE statement LIKE %s ORDER BY 1", ("%driver_people WHERE id%",))])
        # Binary results and binary parameters on a connection without masking.
        query = "SELECT raw, tag, doc, scores, ratio, ok, day, price FROM driver_types WHERE id = %b"
        with connection.cursor(binary=True) as cursor:
            cursor.execute(query, (1,))
            print("binary", cursor.pgresult.fformat(0) == psycopg.pq.Format.BINARY, show(cursor.fetchone()))
        text_values = show(connection.execute(query.replace("%b", "%s"), (1,)).fetchone())
        print("binary equals text", text_values == show(connection.execute(query, (1,), binary=True).fetchone()))
        echoed = connection.execute("SELECT %b::bytea, %b::jsonb, %b::int[]",
                                    (b"\x00\x01\xff", psycopg.types.json.Jsonb({"a": 1}), [4, 5]), binary=True).fetchone()
        print("binary parameters", echoed[0].hex(), echoed[1], echoed[2])
        connection.commit()

        # A server-side cursor: DECLARE, then FETCH a row at a time.
        with connection.cursor(name="driver_people_cursor", binary=True) as cursor:
            cursor.itersize = 1
            cursor.execute("SELECT id, name FROM driver_people ORDER BY id")
            print("server cursor", list(cursor))
        connection.commit()

        # Transactions: one commits, one rolls back, a savepoint inside one.
        with connection.transaction():
            connection.execute("UPDATE driver_people SET balance = balance + 1 WHERE id = %s", (1,))
        try:
            with connection.transaction():
                connection.execute("UPDATE driver_people SET balance = 0 WHERE id = %s", (2,))
                raise RuntimeError("roll back")
        except RuntimeError:
            pass
        with connection.transaction():
            connection.execute("INSERT INTO driver_log (note) VALUES (%s)", ("outer",))
            try:
                with connection.transaction():
                    connection.execute("INSERT INTO driver_log (note) VALUES (%s)", ("savepoint",))
                    raise RuntimeError("roll back to the savepoint")
            except RuntimeError:
                pass
        print("balances", [str(b) for (b,) in connection.execute("SELECT balance FROM driver_people ORDER BY id")])

        # executemany and an explicit pipeline: several statements before one Sync.
        with connection.cursor() as cursor:
            cursor.executemany("INSERT INTO driver_log (note) VALUES (%s)", [("a",), ("b",)])
        with connection.pipeline():
            first = connection.execute("SELECT count(*) FROM driver_people")
            second = connection.execute("SELECT name FROM driver_people WHERE id = %s", (2,))
            connection.execute("INSERT INTO driver_log (note) VALUES (%s)", ("c",))
        print("pipeline", first.fetchone()[0], second.fetchone()[0])
        connection.commit()

        # COPY in text and binary, both ways.
        with connection.cursor() as cursor:
            with cursor.copy("COPY driver_log (note) FROM STDIN") as copy:
                copy.write_row(("d",))
            with cursor.copy("COPY driver_log (note) FROM STDIN (FORMAT BINARY)") as copy:
                copy.set_types(["text"])
                copy.write_row(("e",))
            with cursor.copy("COPY (SELECT note FROM driver_log ORDER BY note) TO STDOUT") as copy:
                print("copy text", [row for row in copy.rows()])
            with cursor.copy("COPY (SELECT id, raw, scores FROM driver_types) TO STDOUT (FORMAT BINARY)") as copy:
                copy.set_types(["int4", "bytea", "int4[]"])
                print("copy binary", [(i, r.hex(), s) for i, r, s in copy.rows()])
        connection.commit()

        # A refusal arrives as an ordinary error with its SQLSTATE, in a
        # transaction block that then rolls back; the session goes on.
        try:
            with connection.transaction():
                connection.execute("INSERT INTO driver_log (note) VALUES (%s)", ("rolled back",))
                connection.execute("DROP TABLE driver_people")
            print("refused no")
        except psycopg.errors.InsufficientPrivilege as error:
            print("refused", error.sqlstate, type(error).__name__, error.diag.message_primary)
        print("still there", connection.execute("SELECT count(*) FROM driver_people").fetchone()[0],
              connection.execute("SELECT count(*) FROM driver_log WHERE note = 'rolled back'").fetchone()[0])
        # With parameters too (refused at Parse, extended protocol).
        try:
            connection.execute("CREATE TABLE driver_intruder AS SELECT %s::int AS id", (1,))
        except psycopg.Error as error:
            print("refused with parameters", error.sqlstate)
        connection.rollback()
        print("usable", connection.execute("SELECT %s::int + 1", (1,)).fetchone()[0])

    # LISTEN on one connection, NOTIFY from another.
    with psycopg.connect(**connect, autocommit=True) as listener, psycopg.connect(**connect, autocommit=True) as notifier:
        listener.execute("LISTEN driver_events")
        notifier.execute("SELECT pg_notify(%s, %s)", ("driver_events", "from psycopg 3"))
        notifier.execute("NOTIFY driver_events, 'second'")
        received = [(n.channel, n.payload) for n in listener.notifies(timeout=10, stop_after=2)]
        print("notified", received)
        # A pipeline outside a transaction block runs in one implicit
        # transaction up to its Sync: a refusal in it undoes what came before,
        # and what follows is skipped, as after an error in PostgreSQL.
        try:
            with listener.pipeline() as pipeline:
                listener.execute("INSERT INTO driver_log (note) VALUES (%s)", ("pipelined before",))
                listener.execute("DROP TABLE driver_log")
                listener.execute("INSERT INTO driver_log (note) VALUES (%s)", ("pipelined after",))
                pipeline.sync()
            print("pipeline refused no")
        except psycopg.errors.InsufficientPrivilege as error:
            print("pipeline refused", error.sqlstate)
        print("pipeline undone", listener.execute("SELECT count(*) FROM driver_log WHERE note LIKE 'pipelined%'").fetchone()[0])
        print("pipeline usable", listener.execute("SELECT %s::int + 1", (2,)).fetchone()[0])


if __name__ == "__main__":
    main(*sys.argv[1:5])
