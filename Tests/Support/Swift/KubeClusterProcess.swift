import Foundation

/// A running `Tests/Support/kube/cluster.py`: etcd, a real kube-apiserver
/// (v1.20.2, RBAC, an audit log) and Warden's kubelet stand-in on loopback,
/// with node `n1`, namespaces `prod` and `dev`, a Running pod `web`
/// (container `app`) in each and the Secret `prod/db`. Group `dev` is
/// cluster-admin; the gateway's client certificate may only impersonate.
public final class KubeClusterProcess: Sendable {
    public typealias Failure = PythonFixtureProcess.Failure

    /// `https://127.0.0.1:PORT` of the API server.
    public let url: String
    /// Where the fixture wrote its files (removed by ``stop()``).
    public let directory: URL
    private let fixture: PythonFixtureProcess

    private init(fixture: PythonFixtureProcess, directory: URL) {
        self.url = fixture.firstLine
        self.fixture = fixture
        self.directory = directory
    }

    public static func start() async throws -> KubeClusterProcess {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("warden-kube-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        do {
            let fixture = try await PythonFixtureProcess.start(
                name: "the Kubernetes cluster", script: "kube/cluster.py", arguments: ["--dir", directory.path],
                expecting: "https://127.0.0.1:",
                requirement: """
                    etcd (Debian etcd-server), openssl, and kube-apiserver and the kubelet stand-in built by \
                    scripts/lib/kube-fixture.sh (scripts/test builds them once, into /var/cache/warden-test/kube)
                    """,
                timeout: 180)
            return KubeClusterProcess(fixture: fixture, directory: directory)
        } catch {
            try? FileManager.default.removeItem(at: directory)
            throw error
        }
    }

    /// The cluster's CA, which signed the API server's certificate.
    public var caFile: String { file("ca.crt") }
    /// The client certificate and key Warden presents upstream.
    public var gatewayCertificate: String { file("gateway.crt") }
    public var gatewayKey: String { file("gateway.key") }
    /// The API server's audit log: one JSON event per line, with `impersonatedUser`.
    public var auditLog: String { file("audit.log") }
    /// A system:masters token, for the tests' own checks behind Warden's back.
    public var adminToken: String {
        ((try? String(contentsOfFile: file("admin.token"), encoding: .utf8)) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Where the fixture's programs are cached: kubectl-1.20 and kubectl-1.30 live there too.
    public static var cacheDirectory: String {
        ProcessInfo.processInfo.environment["WARDEN_KUBE_CACHE"] ?? "/var/cache/warden-test/kube"
    }

    public func output() -> String { fixture.output() }

    public func stop() {
        fixture.stop()
        try? FileManager.default.removeItem(at: directory)
    }

    private func file(_ name: String) -> String { directory.appendingPathComponent(name).path }
}
