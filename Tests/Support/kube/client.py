#!/usr/bin/env python3
"""The Python `kubernetes` client through a kubeconfig, for Warden's tests.

  client.py KUBECONFIG list-pods            prints NAMESPACE/NAME of every pod
  client.py KUBECONFIG read-secret NS NAME  prints the Secret's data as JSON
  client.py KUBECONFIG exec NS POD CMD...   runs CMD over WebSocket with this
                                            stdin; prints "stdout: …" and "exit code: N"
  client.py KUBECONFIG port-forward NS POD PORT
                                            GET / over a WebSocket port-forward to PORT;
                                            prints the response's body

Errors print the API server's (or Warden's) status and reason and exit 1.
"""
import json
import sys
import time

from kubernetes import client, config
from kubernetes.client.rest import ApiException
from kubernetes.stream import portforward, stream
from kubernetes.stream.ws_client import ERROR_CHANNEL


def main():
    kubeconfig, command, *args = sys.argv[1:]
    config.load_kube_config(config_file=kubeconfig)
    api = client.CoreV1Api()
    try:
        if command == "list-pods":
            for pod in api.list_pod_for_all_namespaces().items:
                print(f"{pod.metadata.namespace}/{pod.metadata.name}")
        elif command == "exec":
            namespace, pod, *argv = args
            session = stream(api.connect_get_namespaced_pod_exec, pod, namespace, command=argv,
                             stdin=True, stdout=True, stderr=True, tty=False, _preload_content=False)
            session.write_stdin(sys.stdin.read())
            # channel.k8s.io has no way to close stdin alone: read until the
            # error channel brings the command's end (a Status), then close.
            output, deadline = "", time.time() + 30
            while session.is_open() and time.time() < deadline and not session.peek_channel(ERROR_CHANNEL):
                session.update(timeout=1)
                output += session.read_stdout(timeout=0) if session.peek_stdout() else ""
            output += session.read_stdout(timeout=0) if session.peek_stdout() else ""
            status = json.loads(session.read_channel(ERROR_CHANNEL) or "null")
            session.close()
            print(f"stdout: {output}")
            if status is None:
                print("exit code: unknown (the stream ended without a status)")
            elif status.get("status") == "Success":
                print("exit code: 0")
            else:
                print(f"exit code: {status['details']['causes'][0]['message']}")
        elif command == "port-forward":
            namespace, pod, port = args
            forward = portforward(api.connect_get_namespaced_pod_portforward, pod, namespace, ports=port)
            sock = forward.socket(int(port))
            sock.setblocking(True)
            sock.sendall(b"GET / HTTP/1.0\r\nHost: pod\r\n\r\n")
            response = b""
            while chunk := sock.recv(4096):
                response += chunk
            sock.close()
            forward.close()
            print(response.split(b"\r\n\r\n", 1)[-1].decode(), end="")
        elif command == "read-secret":
            print(json.dumps(api.read_namespaced_secret(args[1], args[0]).data, sort_keys=True))
        else:
            sys.exit(f"unknown command {command}")
    except ApiException as error:
        print(f"{error.status} {error.reason}: {error.body}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
