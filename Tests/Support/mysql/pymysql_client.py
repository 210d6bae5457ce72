"""Runs statements through PyMySQL and prints each result as JSON lines:
{"rows": [[...]], "columns": [...]} or {"error": [code, message]}.

    python3 pymysql_client.py PORT DATABASE USER [--no-tls] SQL...

The password (a token) comes from MYSQL_PWD. PyMySQL speaks the text
protocol only; each statement runs on the same connection.
"""
import json
import os
import sys

import pymysql

args = sys.argv[1:]
port, database, user = int(args[0]), args[1], args[2]
rest = args[3:]
tls = True
if "--no-tls" in rest:
    rest.remove("--no-tls")
    tls = False
try:
    connection = pymysql.connect(
        host="127.0.0.1", port=port, user=user, password=os.environ.get("MYSQL_PWD", ""), database=database,
        # Without ssl_disabled PyMySQL uses TLS whenever the server offers it.
        ssl={"check_hostname": False, "verify_mode": 0} if tls else None, ssl_disabled=not tls,
        connect_timeout=20, read_timeout=60,
        client_flag=pymysql.constants.CLIENT.MULTI_STATEMENTS)
except pymysql.err.MySQLError as error:
    print(json.dumps({"connect_error": list(error.args)}))
    sys.exit(0)


def text(value):
    if value is None or isinstance(value, (int, float, str)):
        return value
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


with connection.cursor() as cursor:
    for sql in rest:
        try:
            cursor.execute(sql)
            results = []
            while True:
                if cursor.description:
                    results.append({"columns": [column[0] for column in cursor.description],
                                    "rows": [[text(value) for value in row] for row in cursor.fetchall()]})
                else:
                    results.append({"affected": cursor.rowcount})
                if not cursor.nextset():
                    break
            connection.commit()
            print(json.dumps(results[0] if len(results) == 1 else {"results": results}))
        except pymysql.err.MySQLError as error:
            print(json.dumps({"error": [error.args[0], error.args[1] if len(error.args) > 1 else ""]}))
connection.close()
