"""A minimal PostgreSQL protocol client over TLS, for messages no driver sends.

Connection(host, port, database, token) signs in through Warden; send()
writes raw messages built with Q, P, B, X, C, S, H; until() reads up to the
next ReadyForQuery (or another message type) and returns (type, body) pairs;
text() renders them one per line for a test to read.
"""
import socket
import ssl
import struct


def message(kind, body=b""):
    return kind + struct.pack("!I", len(body) + 4) + body


def cstring(text):
    return (text.encode() if isinstance(text, str) else text) + b"\0"


def Q(sql):
    return message(b"Q", cstring(sql))


def P(sql, name=""):
    return message(b"P", cstring(name) + cstring(sql) + struct.pack("!H", 0))


def B(portal="", statement=""):
    return message(b"B", cstring(portal) + cstring(statement) + struct.pack("!HHH", 0, 0, 0))


def X(portal=""):
    return message(b"E", cstring(portal) + struct.pack("!I", 0))


S = message(b"S")
H = message(b"H")


class Connection:
    def __init__(self, host, port, database, token, user="mallory"):
        raw = socket.create_connection((host, int(port)))
        raw.sendall(struct.pack("!II", 8, 80877103))
        assert raw.recv(1) == b"S"
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        self.socket = context.wrap_socket(raw)
        parameters = cstring("user") + cstring(user) + cstring("database") + cstring(database) + b"\0"
        self.socket.sendall(struct.pack("!II", 8 + len(parameters), 196608) + parameters)
        self.buffer = b""
        kind, _ = self.read()
        assert kind == b"R"
        self.socket.sendall(message(b"p", cstring(token)))
        self.until()

    def send(self, data):
        self.socket.sendall(data)

    def read(self, timeout=20):
        self.socket.settimeout(timeout)
        while len(self.buffer) < 5 or len(self.buffer) < 1 + struct.unpack("!I", self.buffer[1:5])[0]:
            data = self.socket.recv(65536)
            if not data:
                raise EOFError("the gateway closed the connection")
            self.buffer += data
        length = struct.unpack("!I", self.buffer[1:5])[0]
        kind, body = self.buffer[:1], self.buffer[5:1 + length]
        self.buffer = self.buffer[1 + length:]
        return kind, body

    def until(self, end=b"Z"):
        received = []
        while True:
            kind, body = self.read()
            received.append((kind, body))
            if kind == end:
                return received


def text(messages):
    """One line per message: DataRow values, errors with their SQLSTATE, tags."""
    lines = []
    for kind, body in messages:
        if kind == b"D":
            count, offset, values = struct.unpack("!H", body[:2])[0], 2, []
            for _ in range(count):
                length = struct.unpack("!i", body[offset:offset + 4])[0]
                offset += 4
                values.append(None if length < 0 else body[offset:offset + length].decode(errors="replace"))
                offset += max(length, 0)
            lines.append("row %s" % values)
        elif kind == b"E":
            fields = {chr(f[0]): f[1:].decode(errors="replace") for f in body.split(b"\0") if f}
            lines.append("error %s %s" % (fields.get("C"), fields.get("M")))
        elif kind == b"C":
            lines.append("done %s" % body.rstrip(b"\0").decode())
        elif kind == b"Z":
            lines.append("ready %s" % body.decode())
    return "\n".join(lines)
