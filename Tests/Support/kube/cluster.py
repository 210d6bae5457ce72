#!/usr/bin/env python3
"""A real Kubernetes control plane on loopback for Warden's tests.

Starts etcd (Debian's etcd-server), kube-apiserver v1.20.2 and Warden's kubelet
stand-in (both built and cached by scripts/lib/kube-fixture.sh), each on a free
port, with a throwaway CA and data directory, then prepares what the tests use:

  files in --dir     ca.crt (the cluster's CA), gateway.crt/.key (the client
                     certificate Warden presents: user warden-gateway, whose only
                     right is to impersonate), admin.token (a system:masters token
                     for the tests' own checks), audit.log (the API server's audit
                     log: who each request ran as)
  RBAC               group dev is cluster-admin, group viewers may view; the
                     gateway user may impersonate users and groups
  objects            node n1 (this kubelet), namespaces prod and dev, a Running
                     pod web with container app in each, Secret prod/db

Prints https://127.0.0.1:PORT (the API server) as its first line, then serves
until stdin reaches end of file, and removes everything it started.
"""
import argparse
import json
import os
import random
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.request

CACHE = os.environ.get("WARDEN_KUBE_CACHE", "/var/cache/warden-test/kube")
ADMIN_TOKEN = "warden-test-admin-token"


PORTS_GIVEN = set()


def free_port():
    """A free loopback port below the ephemeral range, which outgoing
    connections draw their local ports from (one could take a port between
    its release and the server's bind), and apart from the band the Swift
    tests use (16384-24575)."""
    while True:
        port = random.randrange(24576, 32768)
        if port in PORTS_GIVEN:
            continue
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
        PORTS_GIVEN.add(port)
        return port


def openssl(*args):
    subprocess.run(["openssl", *args], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def certificates(out):
    """A CA, and the certificates it signs: the API server's, the kubelet's, the gateway's client certificate."""
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=warden-test-cluster-ca",
            "-keyout", f"{out}/ca.key", "-out", f"{out}/ca.crt")

    def issue(name, subject, extensions):
        ext = f"{out}/{name}.ext"
        with open(ext, "w") as f:
            f.write(extensions)
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", subject, "-keyout", f"{out}/{name}.key",
                "-out", f"{out}/{name}.csr")
        openssl("x509", "-req", "-in", f"{out}/{name}.csr", "-CA", f"{out}/ca.crt", "-CAkey", f"{out}/ca.key",
                "-CAcreateserial", "-days", "2", "-extfile", ext, "-out", f"{out}/{name}.crt")

    serving = "subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes.default.svc\nextendedKeyUsage=serverAuth\n"
    issue("apiserver", "/CN=kube-apiserver", serving)
    issue("kubelet", "/CN=n1", serving)
    issue("gateway", "/CN=warden-gateway", "extendedKeyUsage=clientAuth\n")
    openssl("genrsa", "-out", f"{out}/sa.key", "2048")
    openssl("rsa", "-in", f"{out}/sa.key", "-pubout", "-out", f"{out}/sa.pub")


class Cluster:
    def __init__(self, files):
        self.files = files
        self.work = tempfile.mkdtemp(prefix="warden-kube-")
        self.processes = []

    def start(self, name, args, env=None):
        log = open(f"{self.work}/{name}.log", "w")
        process = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                   env={**os.environ, **(env or {})}, start_new_session=True)
        self.processes.append((name, process))
        return process

    def log_tail(self, name):
        try:
            with open(f"{self.work}/{name}.log") as f:
                return f.read()[-3000:]
        except OSError:
            return ""

    def run(self):
        for binary in ("kube-apiserver", "kubelet"):
            if not os.access(f"{CACHE}/{binary}", os.X_OK):
                sys.exit(f"{CACHE}/{binary} is missing: build the fixture with "
                         "`source scripts/lib/install-deps.sh && install_kube_fixture` (scripts/test does)")
        if not shutil.which("etcd"):
            sys.exit("etcd is missing: apt-get install etcd-server (scripts/test does)")
        files = self.files
        certificates(files)
        with open(f"{files}/admin.token", "w") as f:
            f.write(ADMIN_TOKEN)
        with open(f"{self.work}/tokens.csv", "w") as f:
            f.write(f"{ADMIN_TOKEN},warden-test-admin,warden-test-admin,system:masters\n")
        with open(f"{self.work}/audit-policy.yaml", "w") as f:
            f.write("apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Metadata\n")

        etcd_port, peer_port = free_port(), free_port()
        self.start("etcd", [
            "etcd", "--data-dir", f"{self.work}/etcd", "--listen-client-urls", f"http://127.0.0.1:{etcd_port}",
            "--advertise-client-urls", f"http://127.0.0.1:{etcd_port}", "--listen-peer-urls", f"http://127.0.0.1:{peer_port}",
            "--initial-advertise-peer-urls", f"http://127.0.0.1:{peer_port}",
            "--initial-cluster", f"default=http://127.0.0.1:{peer_port}", "--log-level", "warn"])
        self.port = free_port()
        self.start("kube-apiserver", [
            f"{CACHE}/kube-apiserver", f"--etcd-servers=http://127.0.0.1:{etcd_port}", "--bind-address=127.0.0.1",
            "--advertise-address=127.0.0.1", f"--secure-port={self.port}", "--insecure-port=0",
            f"--cert-dir={self.work}/certs", f"--tls-cert-file={files}/apiserver.crt",
            f"--tls-private-key-file={files}/apiserver.key", f"--client-ca-file={files}/ca.crt",
            f"--token-auth-file={self.work}/tokens.csv", "--authorization-mode=RBAC",
            "--service-account-issuer=https://kubernetes.default.svc", f"--service-account-key-file={files}/sa.pub",
            f"--service-account-signing-key-file={files}/sa.key", "--service-cluster-ip-range=10.0.0.0/24",
            "--enable-priority-and-fairness=false", "--disable-admission-plugins=ServiceAccount",
            f"--audit-policy-file={self.work}/audit-policy.yaml", f"--audit-log-path={files}/audit.log",
            "--audit-log-mode=blocking", "--kubelet-preferred-address-types=InternalIP"])
        self.kubelet_port = free_port()
        self.start("kubelet", [f"{CACHE}/kubelet", f"127.0.0.1:{self.kubelet_port}"],
                   env={"CERT": f"{files}/kubelet.crt", "KEY": f"{files}/kubelet.key"})
        self.context = ssl.create_default_context(cafile=f"{files}/ca.crt")
        self.wait_ready()
        self.prepare()
        print(f"https://127.0.0.1:{self.port}", flush=True)
        sys.stdin.read()

    def api(self, method, path, body=None, content_type="application/json"):
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(f"https://127.0.0.1:{self.port}{path}", data=data, method=method, headers={
            "Authorization": f"Bearer {ADMIN_TOKEN}", "Content-Type": content_type})
        with urllib.request.urlopen(request, context=self.context, timeout=30) as response:
            return json.loads(response.read() or b"null")

    def wait_ready(self):
        deadline = time.time() + 90
        while time.time() < deadline:
            for name, process in self.processes:
                if process.poll() is not None:
                    sys.exit(f"{name} ended with status {process.returncode}:\n{self.log_tail(name)}")
            try:
                request = urllib.request.Request(f"https://127.0.0.1:{self.port}/readyz",
                                                 headers={"Authorization": f"Bearer {ADMIN_TOKEN}"})
                with urllib.request.urlopen(request, context=self.context, timeout=5) as response:
                    if response.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.25)
        sys.exit(f"kube-apiserver was not ready in 90 s:\n{self.log_tail('kube-apiserver')}")

    def prepare(self):
        rbac = "/apis/rbac.authorization.k8s.io/v1"
        self.api("POST", f"{rbac}/clusterroles", {
            "metadata": {"name": "warden-impersonator"},
            "rules": [{"apiGroups": [""], "resources": ["users", "groups"], "verbs": ["impersonate"]}]})
        for name, role, kind, subject in [
            ("warden-impersonator", "warden-impersonator", "User", "warden-gateway"),
            ("dev-cluster-admin", "cluster-admin", "Group", "dev"),
            ("viewers-view", "view", "Group", "viewers"),
        ]:
            self.api("POST", f"{rbac}/clusterrolebindings", {
                "metadata": {"name": name},
                "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": role},
                "subjects": [{"apiGroup": "rbac.authorization.k8s.io", "kind": kind, "name": subject}]})
        self.api("POST", "/api/v1/nodes", {
            "metadata": {"name": "n1"},
            "status": {"addresses": [{"type": "InternalIP", "address": "127.0.0.1"}],
                       "daemonEndpoints": {"kubeletEndpoint": {"Port": self.kubelet_port}},
                       "conditions": [{"type": "Ready", "status": "True"}]}})
        for namespace in ("prod", "dev"):
            self.api("POST", "/api/v1/namespaces", {"metadata": {"name": namespace}})
            self.api("POST", f"/api/v1/namespaces/{namespace}/pods", {
                "metadata": {"name": "web", "labels": {"app": "web"}},
                "spec": {"nodeName": "n1", "containers": [{"name": "app", "image": "busybox"}]}})
            self.api("PATCH", f"/api/v1/namespaces/{namespace}/pods/web/status", {"status": {
                "phase": "Running", "podIP": "127.0.0.1",
                "conditions": [{"type": "Ready", "status": "True"}],
                "containerStatuses": [{"name": "app", "ready": True, "restartCount": 0, "image": "busybox",
                                       "imageID": "", "state": {"running": {"startedAt": "2026-01-01T00:00:00Z"}}}]}},
                content_type="application/merge-patch+json")
        self.api("POST", "/api/v1/namespaces/prod/secrets", {
            "metadata": {"name": "db"}, "type": "Opaque",
            "data": {"password": "aHVudGVyMi1wcm9kLXNlY3JldA==", "user": "YXBw"}})

    def stop(self):
        """Within the 10 s the test run gives the fixture before it kills it.
        The test run closes stdin and sends SIGTERM at once: a second signal
        must not cut this short and leave servers behind (one did)."""
        for number in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(number, signal.SIG_IGN)
        for _, process in reversed(self.processes):
            if process.poll() is None:
                process.terminate()
        deadline = time.time() + 6
        for _, process in reversed(self.processes):
            try:
                process.wait(timeout=max(deadline - time.time(), 0.1))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        shutil.rmtree(self.work, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dir", required=True, help="where to write the CA, the gateway's certificate and the audit log")
    cluster = Cluster(parser.parse_args().dir)
    # The test run ends the fixture with SIGTERM: Python's default would end
    # this script at once and leave etcd, the API server and the kubelet running.
    # Foundation's Process starts children with the signals of Swift
    # concurrency's threads blocked; unblocked here, and so for the servers too.
    signal.pthread_sigmask(signal.SIG_SETMASK, [])
    for number in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(number, lambda *_: sys.exit(0))
    try:
        cluster.run()
    finally:
        cluster.stop()


if __name__ == "__main__":
    main()
