"""A MySQL-protocol server that signs clients in with caching_sha2_password,
then relays their session to a real MariaDB, which does not offer that
plugin itself. The caching_sha2_password fixture of the MySQL tests.

    python3 caching_sha2_server.py --backend-port N --backend-user U --backend-password P
        --user U --password P [--cert FILE --key FILE] [--mode fast|full] [--log FILE]

--backend-port, --backend-user, --backend-password: a MariaDB on 127.0.0.1 and
    an account there that signs in with mysql_native_password.
--user, --password: the one account this server accepts from clients.
--cert, --key: offer TLS (CLIENT_SSL) with this certificate; without them the
    greeting leaves CLIENT_SSL out.
--mode fast: the password counts as cached: a correct scramble proof gets
    AuthMoreData 0x03 then OK (a wrong one falls to full authentication, as
    MySQL does on a cache miss).
--mode full (the default): every sign-in gets AuthMoreData 0x04 and full
    authentication: over TLS the client sends the password in clear; without
    TLS it may send 0x02 to get the RSA public key (AuthMoreData 0x01 + PEM,
    a 2048-bit key made at start), then the NUL-terminated password XOR the
    scramble, RSA-OAEP(SHA-1) encrypted. A clear password without TLS is refused.
--log FILE: appends one line per sign-in, written before the server's last
    authentication packet (OK or ERR) goes out: `fast`, `full-tls`, `full-rsa`,
    `empty` (empty password, empty response) or `refused`. Why a sign-in was
    refused goes to stderr.

The greeting carries the backend's version, connection id, character set,
status and capabilities (minus CLIENT_SSL unless --cert, plus CLIENT_PLUGIN_AUTH)
with a fresh 20-byte scramble and the plugin caching_sha2_password. After a
client signs in, the server signs in to the backend as the backend user with the
client's capability flags (minus CLIENT_SSL: the backend link is plain), its
character set, MariaDB extended capabilities, database and connection
attributes, forwards the backend's OK packet (renumbered) and then relays raw
bytes both ways. A wrong password gets ERR 1045 (28000).

Prints tcp://127.0.0.1:PORT on its first line, then serves until stdin closes.
"""
import argparse
import hashlib
import secrets
import select
import signal
import socket
import ssl
import struct
import sys
import threading

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGTERM])

CLIENT_CONNECT_WITH_DB = 0x8
CLIENT_PROTOCOL_41 = 0x200
CLIENT_SSL = 0x800
CLIENT_SECURE_CONNECTION = 0x8000
CLIENT_PLUGIN_AUTH = 0x80000
CLIENT_CONNECT_ATTRS = 0x100000
CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA = 0x200000

PLUGIN = b"caching_sha2_password"

parser = argparse.ArgumentParser(description="caching_sha2_password front for a MariaDB")
parser.add_argument("--backend-port", type=int, required=True)
parser.add_argument("--backend-user", required=True)
parser.add_argument("--backend-password", default="")
parser.add_argument("--user", required=True)
parser.add_argument("--password", default="")
parser.add_argument("--cert")
parser.add_argument("--key")
parser.add_argument("--mode", choices=["fast", "full"], default="full")
parser.add_argument("--log")
args = parser.parse_args()

tls_context = None
if args.cert:
    tls_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls_context.load_cert_chain(args.cert, args.key)

private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
public_pem = private_key.public_key().public_bytes(
    serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
oaep = padding.OAEP(mgf=padding.MGF1(algorithm=hashes.SHA1()), algorithm=hashes.SHA1(), label=None)
log_lock = threading.Lock()


def note(message):
    print(f"caching_sha2_server: {message}", file=sys.stderr, flush=True)


def log_sign_in(path):
    if args.log:
        with log_lock, open(args.log, "a") as file:
            file.write(path + "\n")


class Refused(Exception):
    pass


class Link:
    """One side's socket, read and written as MySQL packets (never reading
    past a packet, so the socket can be handed to TLS or to the relay)."""

    def __init__(self, sock):
        self.sock = sock

    def read_exact(self, count):
        data = b""
        while len(data) < count:
            chunk = self.sock.recv(count - len(data))
            if not chunk:
                raise ConnectionError("connection closed mid-packet")
            data += chunk
        return data

    def read(self):
        """(sequence id of the last part, payload)"""
        payload = b""
        while True:
            header = self.read_exact(4)
            length = int.from_bytes(header[:3], "little")
            payload += self.read_exact(length)
            if length < 0xFFFFFF:
                return header[3], payload

    def write(self, seq, payload):
        data = b""
        while True:
            part, payload = payload[:0xFFFFFF], payload[0xFFFFFF:]
            data += len(part).to_bytes(3, "little") + bytes([seq & 0xFF]) + part
            seq += 1
            if len(part) < 0xFFFFFF:
                break
        self.sock.sendall(data)
        return seq


def lenenc_int(value):
    if value < 251:
        return bytes([value])
    if value < 1 << 16:
        return b"\xfc" + value.to_bytes(2, "little")
    if value < 1 << 24:
        return b"\xfd" + value.to_bytes(3, "little")
    return b"\xfe" + value.to_bytes(8, "little")


def read_lenenc_int(data, pos):
    first = data[pos]
    if first < 251:
        return first, pos + 1
    size = {0xFC: 2, 0xFD: 3, 0xFE: 8}[first]
    return int.from_bytes(data[pos + 1:pos + 1 + size], "little"), pos + 1 + size


def read_nul(data, pos):
    end = data.index(b"\0", pos)
    return data[pos:end], end + 1


def new_scramble():
    # As MySQL's generate_user_salt: 7-bit, no NUL and no '$'.
    scramble = bytearray(secrets.token_bytes(20))
    for i, byte in enumerate(scramble):
        byte &= 0x7F
        if byte in (0, ord("$")):
            byte += 1
        scramble[i] = byte
    return bytes(scramble)


def xor(data, key):
    return bytes(byte ^ key[i % len(key)] for i, byte in enumerate(data))


def sha2_proof(password, scramble):
    digest1 = hashlib.sha256(password).digest()
    digest2 = hashlib.sha256(digest1).digest()
    return xor(digest1, hashlib.sha256(digest2 + scramble).digest())


def native_proof(password, scramble):
    if not password:
        return b""
    stage1 = hashlib.sha1(password).digest()
    return xor(stage1, hashlib.sha1(scramble + hashlib.sha1(stage1).digest()).digest())


def err_packet(code, state, message):
    return b"\xff" + struct.pack("<H", code) + b"#" + state + message.encode()


def parse_greeting(payload):
    if payload[0] != 10:
        raise ConnectionError(f"backend greeting: protocol {payload[0]}")
    version, pos = read_nul(payload, 1)
    connection_id = payload[pos:pos + 4]
    scramble1 = payload[pos + 4:pos + 12]
    pos += 13
    caps_low, charset, status, caps_high, auth_length = struct.unpack_from("<HBHHB", payload, pos)
    pos += 8
    reserved = payload[pos:pos + 10]
    pos += 10
    part2 = max(13, auth_length - 8)
    scramble2 = payload[pos:pos + part2].rstrip(b"\0")
    pos += part2
    plugin = read_nul(payload, pos)[0] if pos < len(payload) else b"mysql_native_password"
    return {
        "version": version, "connection_id": connection_id, "charset": charset, "status": status,
        "caps": caps_low | caps_high << 16, "reserved": reserved, "scramble": scramble1 + scramble2,
        "plugin": plugin,
    }


def parse_response(payload):
    flags, max_packet, charset = struct.unpack_from("<IIB", payload, 0)
    response = {"flags": flags, "max_packet": max_packet, "charset": charset, "filler": payload[9:32],
                "database": None, "plugin": None, "attrs": None}
    user, pos = read_nul(payload, 32)
    response["user"] = user
    if flags & CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA:
        length, pos = read_lenenc_int(payload, pos)
    elif flags & CLIENT_SECURE_CONNECTION:
        length, pos = payload[pos], pos + 1
    else:
        length = payload.index(b"\0", pos) - pos
    response["auth"] = payload[pos:pos + length]
    pos += length
    if not flags & (CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA | CLIENT_SECURE_CONNECTION):
        pos += 1
    if flags & CLIENT_CONNECT_WITH_DB and pos < len(payload):
        response["database"], pos = read_nul(payload, pos)
    if flags & CLIENT_PLUGIN_AUTH and pos < len(payload):
        response["plugin"], pos = read_nul(payload, pos)
    if flags & CLIENT_CONNECT_ATTRS and pos < len(payload):
        length, start = read_lenenc_int(payload, pos)
        response["attrs"] = payload[pos:start + length]
    return response


class Session:
    def __init__(self, client_sock):
        self.client = Link(client_sock)
        self.backend = None
        self.tls = False
        self.seq = 0  # the next sequence id on the client link

    def send(self, payload):
        self.seq = self.client.write(self.seq, payload)

    def receive(self):
        seq, payload = self.client.read()
        self.seq = seq + 1
        return payload

    def run(self):
        try:
            self.client.sock.settimeout(60)
            backend_sock = socket.create_connection(("127.0.0.1", args.backend_port), timeout=60)
            self.backend = Link(backend_sock)
            _, payload = self.backend.read()
            if payload[:1] == b"\xff":
                note("the backend refused the connection")
                self.client.write(0, payload)
                return
            greeting = parse_greeting(payload)
            if not self.handshake(greeting):
                return
            self.client.sock.settimeout(None)
            self.backend.sock.settimeout(None)
            self.relay()
        except (OSError, ConnectionError, ValueError, IndexError, struct.error) as error:
            note(f"connection ended: {error!r}")
        finally:
            for link in (self.client, self.backend):
                if link is not None:
                    try:
                        link.sock.close()
                    except OSError:
                        pass

    def handshake(self, greeting):
        scramble = new_scramble()
        caps = (greeting["caps"] & ~CLIENT_SSL) | CLIENT_PLUGIN_AUTH
        if tls_context is not None:
            caps |= CLIENT_SSL
        self.send(b"\x0a" + greeting["version"] + b"\0" + greeting["connection_id"] + scramble[:8] + b"\0"
                  + struct.pack("<HBHHB", caps & 0xFFFF, greeting["charset"], greeting["status"], caps >> 16,
                                len(scramble) + 1)
                  + greeting["reserved"] + scramble[8:] + b"\0" + PLUGIN + b"\0")
        payload = self.receive()
        if len(payload) == 32 and struct.unpack_from("<I", payload)[0] & CLIENT_SSL:
            if tls_context is None:
                note("SSLRequest, but no --cert: closing")
                return False
            self.client.sock = tls_context.wrap_socket(self.client.sock, server_side=True)
            self.tls = True
            payload = self.receive()
        response = parse_response(payload)
        try:
            path = self.authenticate(response, scramble)
        except Refused as reason:
            note(f"refused {response['user']!r}: {reason}")
            log_sign_in("refused")
            used = "YES" if response["auth"] else "NO"
            self.send(err_packet(1045, b"28000", f"Access denied for user '{response['user'].decode(errors='replace')}'"
                                 f"@'127.0.0.1' (using password: {used})"))
            return False
        log_sign_in(path)
        ok = self.backend_sign_in(greeting, response)
        self.send(ok)
        return ok[:1] == b"\x00"

    def authenticate(self, response, scramble):
        """The path taken (`fast`, `full-tls`, `full-rsa`, `empty`), or Refused."""
        password = args.password.encode()
        user_ok = response["user"] == args.user.encode()
        if not response["flags"] & CLIENT_PLUGIN_AUTH:
            raise Refused("the client lacks CLIENT_PLUGIN_AUTH")
        auth = response["auth"]
        if response["plugin"] != PLUGIN:
            # AuthSwitchRequest to caching_sha2_password, same scramble.
            note(f"client plugin {response['plugin']!r}: switching to caching_sha2_password")
            self.send(b"\xfe" + PLUGIN + b"\0" + scramble + b"\0")
            auth = self.receive()
        if auth in (b"", b"\0"):
            if user_ok and not password:
                return "empty"
            raise Refused("empty response")
        if len(auth) != 32:
            raise Refused(f"a {len(auth)}-byte response where the 32-byte scramble proof belongs")
        if args.mode == "fast" and user_ok and secrets.compare_digest(auth, sha2_proof(password, scramble)):
            self.send(b"\x01\x03")
            return "fast"
        if args.mode == "fast":
            note("wrong scramble proof: full authentication")
        self.send(b"\x01\x04")
        packet = self.receive()
        if self.tls:
            if not packet.endswith(b"\0"):
                raise Refused("the clear password is not NUL-terminated")
            if user_ok and packet[:-1] == password:
                return "full-tls"
            raise Refused("wrong password (full authentication over TLS)")
        if packet == b"\x02":
            self.send(b"\x01" + public_pem)
            packet = self.receive()
        if len(packet) != 256:
            raise Refused(f"a {len(packet)}-byte packet without TLS where the RSA-encrypted password belongs"
                          " (a clear password?)")
        try:
            plain = xor(private_key.decrypt(packet, oaep), scramble)
        except ValueError:
            raise Refused("RSA-OAEP(SHA-1) decryption failed")
        if not plain.endswith(b"\0"):
            raise Refused("the decrypted password is not NUL-terminated")
        if user_ok and plain[:-1] == password:
            return "full-rsa"
        raise Refused("wrong password (full authentication with RSA)")

    def backend_sign_in(self, greeting, response):
        """Signs in to the backend; returns the packet to send the client (OK or ERR)."""
        flags = (response["flags"] & ~CLIENT_SSL) & (greeting["caps"] | CLIENT_PLUGIN_AUTH)
        flags |= CLIENT_PROTOCOL_41 | CLIENT_SECURE_CONNECTION | CLIENT_PLUGIN_AUTH
        if response["database"]:
            flags |= CLIENT_CONNECT_WITH_DB
        else:
            flags &= ~CLIENT_CONNECT_WITH_DB
        proof = native_proof(args.backend_password.encode(), greeting["scramble"])
        payload = struct.pack("<IIB", flags, response["max_packet"], response["charset"]) + response["filler"]
        payload += args.backend_user.encode() + b"\0"
        if flags & CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA:
            payload += lenenc_int(len(proof)) + proof
        else:
            payload += bytes([len(proof)]) + proof
        if flags & CLIENT_CONNECT_WITH_DB:
            payload += response["database"] + b"\0"
        payload += b"mysql_native_password\0"
        if flags & CLIENT_CONNECT_ATTRS:
            payload += response["attrs"] if response["attrs"] is not None else b"\0"
        seq = self.backend.write(1, payload)
        while True:
            seq, reply = self.backend.read()
            if reply[:1] == b"\xfe" and len(reply) > 1:
                plugin, pos = read_nul(reply, 1)
                if plugin != b"mysql_native_password":
                    note(f"the backend asks for {plugin!r}")
                    return err_packet(1251, b"08004", f"backend auth plugin {plugin.decode()} unsupported")
                data = reply[pos:].rstrip(b"\0")
                self.backend.write(seq + 1, native_proof(args.backend_password.encode(), data))
                continue
            if reply[:1] == b"\xff":
                note(f"the backend refused the sign-in: {reply[9:].decode(errors='replace')}")
            elif reply[:1] != b"\x00":
                note(f"unexpected backend packet {reply[:16]!r}")
                return err_packet(2027, b"HY000", "unexpected backend packet during sign-in")
            return reply

    def relay(self):
        client, backend = self.client.sock, self.backend.sock
        while True:
            if isinstance(client, ssl.SSLSocket) and client.pending():
                ready = [client]
            else:
                ready, _, _ = select.select([client, backend], [], [])
            for source in ready:
                data = source.recv(65536)
                if not data:
                    return
                (backend if source is client else client).sendall(data)


def serve(listener):
    while True:
        client, _ = listener.accept()
        threading.Thread(target=Session(client).run, daemon=True).start()


listener = socket.socket()
listener.bind(("127.0.0.1", 0))
listener.listen(16)
print(f"tcp://127.0.0.1:{listener.getsockname()[1]}", flush=True)
threading.Thread(target=serve, args=(listener,), daemon=True).start()
sys.stdin.read()
