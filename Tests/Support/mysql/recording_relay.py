"""A TCP relay that records what the client sends: the packet capture of
the MySQL tests. It relays one port to TARGET_PORT on 127.0.0.1 and
appends every byte a client sends to RECORD_FILE.

    python3 recording_relay.py TARGET_PORT RECORD_FILE

Prints tcp://127.0.0.1:PORT on its first line, then relays until stdin closes.
"""
import signal
import socket
import sys
import threading

signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGTERM])
target_port, record_path = int(sys.argv[1]), sys.argv[2]
lock = threading.Lock()


def pump(source, sink, record):
    try:
        while True:
            data = source.recv(65536)
            if not data:
                break
            if record:
                with lock, open(record_path, "ab") as file:
                    file.write(data)
            sink.sendall(data)
    except OSError:
        pass
    finally:
        for side in (source, sink):
            try:
                side.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def serve(listener):
    while True:
        client, _ = listener.accept()
        upstream = socket.create_connection(("127.0.0.1", target_port))
        threading.Thread(target=pump, args=(client, upstream, True), daemon=True).start()
        threading.Thread(target=pump, args=(upstream, client, False), daemon=True).start()


listener = socket.socket()
listener.bind(("127.0.0.1", 0))
listener.listen(16)
print(f"tcp://127.0.0.1:{listener.getsockname()[1]}", flush=True)
threading.Thread(target=serve, args=(listener,), daemon=True).start()
sys.stdin.read()
