"""A realistic SQLAlchemy 2 workload through Warden, over psycopg 3 or asyncpg.

The same Core and ORM steps run over both: directly on a synchronous engine
(`postgresql+psycopg://`), and through `run_sync` on an asyncio engine
(`postgresql+asyncpg://`, which needs greenlet), with a few native async
steps beside them. The dialects' own start-up (version, settings, type
codecs) and reflection queries go through Warden too.

Usage: sqlalchemy_workload.py psycopg|asyncpg HOST PORT DATABASE TOKEN
Prints one line per step for the Swift test to check; exits non-zero on an
unexpected error.
"""
import asyncio
import datetime
import decimal
import sys

from sqlalchemy import URL, MetaData, Table, create_engine, func, insert, inspect, select, text, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column


class Base(DeclarativeBase):
    pass


class Person(Base):
    __tablename__ = "driver_people"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str]
    balance: Mapped[decimal.Decimal]
    created: Mapped[datetime.datetime]


class Note(Base):
    __tablename__ = "driver_log"
    note: Mapped[str] = mapped_column(primary_key=True)


def show(values):
    return [v.hex() if isinstance(v, bytes) else str(v) for v in values]


def refusal(error):
    """What a DBAPIError says: its class, the SQLSTATE of the driver's error (`orig`) and its message."""
    return f"{type(error).__name__} {error.orig.sqlstate} {'statement refused by Warden' in str(error.orig)}"


def core(connection):
    """Core steps on a synchronous Connection (SQLAlchemy begins transactions itself)."""
    print("columns", [c["name"] for c in inspect(connection).get_columns("driver_people")])
    metadata = MetaData()
    people = Table("driver_people", metadata, autoload_with=connection)
    log = Table("driver_log", metadata, autoload_with=connection)
    types = Table("driver_types", metadata, autoload_with=connection)
    rows = connection.execute(select(people.c.id, people.c.name).where(people.c.id.in_([1, 2])).order_by(people.c.id))
    print("select", [tuple(row) for row in rows])
    print("types", show(connection.execute(select(types).where(types.c.id == 1)).one()))
    print("text", connection.execute(text("SELECT name FROM driver_people WHERE id = :id AND balance > :floor"),
                                      {"id": 2, "floor": decimal.Decimal("1.5")}).scalar_one())
    connection.commit()
    # Insert in a transaction that commits; an update in one that rolls back.
    with connection.begin():
        connection.execute(insert(log), [{"note": "a"}, {"note": "b"}])
    transaction = connection.begin()
    connection.execute(update(people).where(people.c.id == 2).values(balance=0))
    transaction.rollback()
    # Streamed through a server-side cursor a row at a time.
    streamed = connection.execute(
        select(people.c.balance).order_by(people.c.id).execution_options(stream_results=True, max_row_buffer=1))
    print("streamed", [str(b) for (b,) in streamed])
    print("log", connection.execute(select(func.string_agg(log.c.note, text("',' ORDER BY note")))).scalar_one())
    connection.commit()
    # A refusal surfaces as a DBAPIError carrying the SQLSTATE; after a
    # rollback the connection goes on.
    try:
        connection.execute(text("DROP TABLE driver_people"))
        print("refused no")
    except DBAPIError as error:
        print("refused", refusal(error))
    connection.rollback()
    print("still there", connection.execute(select(func.count()).select_from(people)).scalar_one())
    connection.commit()


def orm(session):
    """ORM steps on a synchronous Session."""
    print("people", [p.name for p in session.scalars(select(Person).order_by(Person.id))])
    ada = session.get(Person, 1)
    ada.balance += 1
    session.add(Note(note="orm"))
    session.commit()
    grace = session.get(Person, 2)
    grace.balance = decimal.Decimal(0)
    session.flush()
    session.rollback()
    print("balances", [str(p.balance) for p in session.scalars(select(Person).order_by(Person.id))])
    try:
        session.execute(text("ALTER TABLE driver_people ADD COLUMN extra int"))
        print("orm refused no")
    except DBAPIError as error:
        print("orm refused", refusal(error))
    session.rollback()
    print("notes", session.scalars(select(Note.note).order_by(Note.note)).all())


def url(driver, host, port, database, token):
    return URL.create(f"postgresql+{driver}", username="alice", password=token, host=host, port=int(port), database=database)


def over_psycopg(*where):
    engine = create_engine(url("psycopg", *where), connect_args={"sslmode": "require"})
    try:
        with engine.connect() as connection:
            print("dialect", engine.dialect.driver, engine.dialect.server_version_info[0] > 0)
            core(connection)
        with Session(engine) as session:
            orm(session)
    finally:
        engine.dispose()


async def over_asyncpg(*where):
    engine = create_async_engine(url("asyncpg", *where), connect_args={"ssl": "require"})
    try:
        async with engine.connect() as connection:
            print("dialect", engine.dialect.driver, engine.dialect.server_version_info[0] > 0)
            await connection.run_sync(core)
            # Native async steps: a streamed result and a refusal awaited directly.
            result = await connection.stream(select(Person.name).order_by(Person.id))
            print("async stream", [name async for (name,) in result])
            try:
                await connection.execute(text("DROP TABLE driver_log"))
                print("async refused no")
            except DBAPIError as error:
                print("async refused", refusal(error))
            await connection.rollback()
        async with AsyncSession(engine) as session:
            await session.run_sync(orm)
    finally:
        await engine.dispose()


if __name__ == "__main__":
    driver, where = sys.argv[1], sys.argv[2:6]
    if driver == "asyncpg":
        asyncio.run(over_asyncpg(*where))
    else:
        over_psycopg(*where)
