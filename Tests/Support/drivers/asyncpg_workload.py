"""A realistic asyncpg workload through Warden, with the driver's defaults.

Usage: asyncpg_workload.py HOST PORT DATABASE TOKEN
Prints one line per step for the Swift test to check; exits non-zero on an
unexpected error.
"""
import asyncio
import sys

import asyncpg


async def main(host, port, database, token):
    connect = dict(host=host, port=int(port), database=database, user="alice", password=token, ssl="require")
    connection = await asyncpg.connect(**connect)
    try:
        print("server", connection.get_server_version().major > 0)
        # Unprepared and prepared queries, binary results (asyncpg's default).
        rows = await connection.fetch("SELECT id, name, balance, created FROM driver_people ORDER BY id")
        print("fetch", [(r["id"], r["name"], str(r["balance"]), r["created"].isoformat()) for r in rows])
        statement = await connection.prepare("SELECT name FROM driver_people WHERE id = $1")
        print("prepared", [await statement.fetchval(i) for i in (1, 2, 1)])
        # A transaction that commits and one that rolls back.
        async with connection.transaction():
            await connection.execute("UPDATE driver_people SET balance = balance + 1 WHERE id = $1", 1)
        try:
            async with connection.transaction():
                await connection.execute("UPDATE driver_people SET balance = 0 WHERE id = $1", 2)
                raise RuntimeError("roll back")
        except RuntimeError:
            pass
        print("balances", [str(r["balance"]) for r in await connection.fetch("SELECT balance FROM driver_people ORDER BY id")])
        await connection.executemany("INSERT INTO driver_log (note) VALUES ($1)", [("a",), ("b",)])
        # COPY both ways.
        await connection.copy_records_to_table("driver_log", records=[("c",), ("d",)], columns=["note"])
        buffer = CopyBuffer()
        await connection.copy_from_query("SELECT note FROM driver_log ORDER BY note", output=buffer)
        print("log", await connection.fetchval("SELECT string_agg(note, ',' ORDER BY note) FROM driver_log"), buffer.data)
        # LISTEN/NOTIFY.
        received = asyncio.get_running_loop().create_future()
        await connection.add_listener("driver_events", lambda *args: received.set_result(args[3]))
        await connection.execute("NOTIFY driver_events, 'hello'")
        print("notified", await asyncio.wait_for(received, 10))
        # A refusal arrives as an ordinary error with its SQLSTATE.
        try:
            await connection.execute("DROP TABLE driver_people")
            print("refused no")
        except asyncpg.PostgresError as error:
            print("refused", error.sqlstate, error.args[0])
        print("still there", await connection.fetchval("SELECT count(*) FROM driver_people"))
    finally:
        await connection.close()

    # Settings that would make the server read statements differently are
    # refused at startup, in any letter case.
    for settings in ({"standard_conforming_strings": "off"}, {"Client_Encoding": "SJIS"}):
        try:
            await (await asyncpg.connect(**connect, server_settings=settings)).close()
            print("startup accepted", settings)
        except asyncpg.PostgresError as error:
            print("startup refused", error.sqlstate, list(settings)[0])


class CopyBuffer:
    """Collects COPY output."""

    def __init__(self):
        self.data = b""

    async def __call__(self, chunk):
        self.data += chunk


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:5]))
