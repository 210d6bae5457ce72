"""A realistic psycopg 2 workload through Warden, with the driver's defaults.

psycopg 2 binds parameters on the client and sends every statement with the
simple Query protocol; a named cursor is a DECLARE and FETCHes inside the
transaction psycopg 2 opens itself.

Usage: psycopg2_workload.py HOST PORT DATABASE TOKEN
Prints one line per step for the Swift test to check; exits non-zero on an
unexpected error.
"""
import io
import select
import sys
import time

import psycopg2
import psycopg2.errors
import psycopg2.extensions


TRANSACTION_STATUS = {
    psycopg2.extensions.TRANSACTION_STATUS_IDLE: "idle",
    psycopg2.extensions.TRANSACTION_STATUS_INTRANS: "in transaction",
    psycopg2.extensions.TRANSACTION_STATUS_INERROR: "failed transaction",
}


def main(host, port, database, token):
    connect = dict(host=host, port=int(port), dbname=database, user="alice", password=token, sslmode="require")
    connection = psycopg2.connect(**connect)
    try:
        print("server", connection.server_version > 0, connection.get_parameter_status("client_encoding"))
        with connection.cursor() as cursor:
            # Parameters, bound by the driver.
            cursor.execute("SELECT id, name, balance, created FROM driver_people WHERE id = ANY(%s) ORDER BY id", ([1, 2],))
            print("fetch", [(i, n, str(b), c.isoformat()) for i, n, b, c in cursor.fetchall()])
            cursor.execute("SELECT %(name)s::text || ' ' || %(n)s::int, %(raw)s::bytea",
                           {"name": "it's", "n": 3, "raw": psycopg2.Binary(b"\x00\xff")})
            text, raw = cursor.fetchone()
            print("parameters", text, bytes(raw).hex())
            cursor.execute("SELECT raw, tag, doc, scores, ratio, ok, day, price FROM driver_types WHERE id = %s", (1,))
            print("types", [bytes(v).hex() if isinstance(v, memoryview) else str(v) for v in cursor.fetchone()])
        connection.commit()

        # A named cursor: DECLARE, then FETCH a row at a time, in a transaction.
        with connection.cursor(name="driver_people_cursor") as cursor:
            cursor.itersize = 1
            cursor.execute("SELECT name FROM driver_people ORDER BY id")
            print("named cursor", [name for (name,) in cursor])
        connection.commit()

        # A transaction that commits and one that rolls back.
        with connection.cursor() as cursor:
            cursor.execute("UPDATE driver_people SET balance = balance + 1 WHERE id = %s", (1,))
            connection.commit()
            cursor.execute("UPDATE driver_people SET balance = 0 WHERE id = %s", (2,))
            connection.rollback()
            cursor.executemany("INSERT INTO driver_log (note) VALUES (%s)", [("a",), ("b",)])
            connection.commit()
            cursor.execute("SELECT balance FROM driver_people ORDER BY id")
            print("balances", [str(b) for (b,) in cursor.fetchall()])

            # COPY both ways.
            cursor.copy_expert("COPY driver_log (note) FROM STDIN", io.StringIO("c\nd\n"))
            print("copied in", cursor.rowcount)
            connection.commit()
            out = io.StringIO()
            cursor.copy_expert("COPY (SELECT note FROM driver_log ORDER BY note) TO STDOUT WITH (FORMAT csv, HEADER)", out)
            print("copied out", repr(out.getvalue()))
            connection.commit()

            # A refusal arrives as an ordinary error with its SQLSTATE and,
            # as any error does, aborts the transaction (README, Policy):
            # nothing of it is committed.
            cursor.execute("INSERT INTO driver_log (note) VALUES (%s)", ("before refusal",))
            try:
                cursor.execute("DROP TABLE driver_people")
                print("refused no")
            except psycopg2.errors.InsufficientPrivilege as error:
                print("refused", error.pgcode, type(error).__name__, error.pgerror.splitlines()[0])
            print("status after refusal", TRANSACTION_STATUS[connection.get_transaction_status()])
            try:
                cursor.execute("INSERT INTO driver_log (note) VALUES (%s)", ("in the aborted transaction",))
            except psycopg2.errors.InFailedSqlTransaction as error:
                print("aborted", error.pgcode)
            connection.rollback()
            cursor.execute("INSERT INTO driver_log (note) VALUES (%s)", ("after refusal",))
            connection.commit()
            cursor.execute("SELECT count(*) FROM driver_people")
            print("still there", cursor.fetchone()[0])
            cursor.execute("SELECT string_agg(note, ',' ORDER BY note) FROM driver_log WHERE note LIKE '%% refusal'")
            print("committed", cursor.fetchone()[0])
            # A rollback after a refusal undoes the transaction as usual.
            cursor.execute("INSERT INTO driver_log (note) VALUES (%s)", ("rolled back",))
            try:
                cursor.execute("ALTER TABLE driver_log ADD COLUMN extra int")
            except psycopg2.Error as error:
                print("refused again", error.pgcode)
            connection.rollback()
            cursor.execute("SELECT count(*) FROM driver_log WHERE note = 'rolled back'")
            print("rolled back", cursor.fetchone()[0])
            connection.commit()
    finally:
        connection.close()

    # LISTEN on one connection, NOTIFY from another: poll() reads the notification.
    listener = psycopg2.connect(**connect)
    notifier = psycopg2.connect(**connect)
    try:
        listener.autocommit = notifier.autocommit = True
        listener.cursor().execute("LISTEN driver_events")
        notifier.cursor().execute("SELECT pg_notify(%s, %s)", ("driver_events", "from psycopg2"))
        notifier.cursor().execute("NOTIFY driver_events, 'second'")
        deadline = time.monotonic() + 10
        while len(listener.notifies) < 2 and time.monotonic() < deadline:
            select.select([listener], [], [], 1)
            listener.poll()
        print("notified", [(n.channel, n.payload) for n in listener.notifies])
        # In autocommit mode too, a refusal leaves the session usable.
        cursor = listener.cursor()
        try:
            cursor.execute("CREATE TABLE driver_intruder (id int)")
            print("refused no")
        except psycopg2.Error as error:
            print("autocommit refused", error.pgcode)
        cursor.execute("SELECT 1")
        print("autocommit still usable", cursor.fetchone()[0])
    finally:
        listener.close()
        notifier.close()


if __name__ == "__main__":
    main(*sys.argv[1:5])
