"""Runs statements through mysql-connector-python as prepared statements
(COM_STMT_PREPARE/EXECUTE: the binary protocol) and prints each result as
a JSON line: {"columns": [...], "rows": [[...]]}, {"affected": N} or
{"error": [code, message]}.

    python3 connector_client.py PORT DATABASE USER SQL...

The password (a token) comes from MYSQL_PWD; TLS is on, the certificate unchecked.
"""
import json
import os
import sys

import mysql.connector

port, database, user, statements = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4:]
try:
    connection = mysql.connector.connect(
        host="127.0.0.1", port=port, user=user, password=os.environ.get("MYSQL_PWD", ""), database=database,
        ssl_disabled=False, ssl_verify_cert=False, use_pure=True, connection_timeout=20)
except mysql.connector.Error as error:
    print(json.dumps({"connect_error": [error.errno, error.msg]}))
    sys.exit(0)


def text(value):
    if value is None or isinstance(value, (int, float, str)):
        return value
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).decode("utf-8", "replace")
    return str(value)


cursor = connection.cursor(prepared=True)
for sql in statements:
    try:
        cursor.execute(sql)
        if cursor.description:
            print(json.dumps({"columns": [column[0] for column in cursor.description],
                              "rows": [[text(value) for value in row] for row in cursor.fetchall()]}))
        else:
            print(json.dumps({"affected": cursor.rowcount}))
        connection.commit()
    except mysql.connector.Error as error:
        print(json.dumps({"error": [error.errno, error.msg]}))
connection.close()
