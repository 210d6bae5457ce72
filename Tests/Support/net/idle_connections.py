#!/usr/bin/env python3
"""Holds many idle TCP connections to a loopback port, for the gateway's
sign-in deadline test. A process of its own, so that thousands of open
descriptors never sit in the test runner (Foundation's Process.run reads
/proc/self/fd and has crashed there with a few thousand entries).

    idle_connections.py PORT COUNT

Opens COUNT connections to 127.0.0.1:PORT that send nothing, prints
"opened COUNT", then answers commands read from standard input, one a line:

    status        prints "closed K": how many the server has closed so far
    wait SECONDS  waits until the server has closed all of them, or SECONDS
                  pass (a bound, not a measurement), and prints "closed K"

It closes everything and exits at end of input, so it cannot outlive its test.
"""
import resource
import select
import socket
import sys
import time


def main():
    port, count = int(sys.argv[1]), int(sys.argv[2])
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    needed = count + 64
    if soft < needed:
        if hard != resource.RLIM_INFINITY and hard < needed:
            print(f"error: {count} connections need {needed} open files; the hard limit is {hard}", flush=True)
            return 1
        resource.setrlimit(resource.RLIMIT_NOFILE, (needed, hard))
    connections = []
    try:
        for _ in range(count):
            connections.append(socket.create_connection(("127.0.0.1", port), timeout=30))
        print(f"opened {len(connections)}", flush=True)
        closed = set()

        def poll_closed():
            poller = select.poll()
            for index, connection in enumerate(connections):
                if index not in closed:
                    poller.register(connection.fileno(), select.POLLIN)
            by_fd = {connection.fileno(): index for index, connection in enumerate(connections)}
            for fd, _ in poller.poll(0):
                index = by_fd[fd]
                try:
                    # Nothing is sent to these connections: readable means closed.
                    data = connections[index].recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT)
                    if data == b"":
                        closed.add(index)
                except (ConnectionResetError, BrokenPipeError):
                    closed.add(index)
                except BlockingIOError:
                    pass
            return len(closed)

        for line in sys.stdin:
            words = line.split()
            if words[:1] == ["status"]:
                print(f"closed {poll_closed()}", flush=True)
            elif words[:1] == ["wait"]:
                end = time.monotonic() + float(words[1])
                while poll_closed() < len(connections) and time.monotonic() < end:
                    time.sleep(0.2)
                print(f"closed {len(closed)}", flush=True)
    finally:
        for connection in connections:
            connection.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
