import Foundation
import WardenTestSupport

/// A gateway whose listener speaks the Kubernetes API and serves the
/// connection `cluster`, in front of the shared real API server, with
/// kubectl (1.20, 1.30, 1.32) and the Python client through a kubeconfig
/// that `warden kube config` wrote.
struct KubeGateway {
    let cluster: KubeClusterProcess
    let gateway: GatewayProcess

    /// kubectl builds the tests run: Debian's 1.20 (SPDY), 1.30 from its
    /// PyPI wheel, and this image's 1.32 (WebSocket exec).
    enum Kubectl: String, CaseIterable, Sendable {
        case v1_20 = "1.20", v1_30 = "1.30", v1_32 = "1.32"

        var path: String {
            self == .v1_32 ? "kubectl" : "\(KubeClusterProcess.cacheDirectory)/kubectl-\(rawValue)"
        }
    }

    /// `rules` are YAML lines of the connection, indented by four.
    init(cluster: KubeClusterProcess, rules: String, adminGroups: [String]? = nil) throws {
        self.cluster = cluster
        gateway = try GatewayProcess(
            postgres: nil,
            connections: """
              - name: cluster
                protocol: kubernetes
                upstream:
                  url: "\(cluster.url)"
                  ca_file: \(cluster.caFile)
                  credentials: { client_certificate: { certificate: \(cluster.gatewayCertificate), key: \(cluster.gatewayKey) } }
                allow_groups: [dev, viewers]
            \(rules)
            """,
            listener: """
              - { name: kube, protocol: kubernetes, address: "127.0.0.1:PORT", connection: cluster, tls: { certificate: GATEWAY_DIR/gateway.crt, key: GATEWAY_DIR/gateway.key } }
            """,
            adminGroups: adminGroups)
    }

    /// A kubeconfig from `warden kube config` whose credential plugin mints
    /// tokens for `subject` with the development issuer.
    func kubeconfig(subject: String, groups: [String]) throws -> String {
        let path = gateway.directory.appendingPathComponent("kubeconfig-\(subject)").path
        let result = try gateway.warden([
            "kube", "config", "--connection", "cluster", "--dev-subject", subject, "--dev-groups", groups.joined(separator: ","),
            "--output", path,
        ])
        guard result.status == 0 else { throw TestSetupError("warden kube config failed: \(result.output)") }
        return path
    }

    func kubectl(_ version: Kubectl = .v1_32, kubeconfig: String, _ arguments: [String], input: String? = nil) throws -> CommandResult {
        try Command.run(version.path, ["--request-timeout=60s"] + arguments, environment: ["KUBECONFIG": kubeconfig], input: input)
    }

    /// kubectl straight to the API server as system:masters, behind Warden's back: to check what happened.
    func admin(_ arguments: [String]) throws -> CommandResult {
        try Command.run("kubectl", [
            "--server", cluster.url, "--certificate-authority", cluster.caFile, "--token", cluster.adminToken,
            "--request-timeout=30s",
        ] + arguments, environment: ["KUBECONFIG": "/dev/null"])
    }

    /// The API server's audit events for answered requests, decoded (its
    /// events for requests just received do not name the impersonated user yet).
    func auditEvents() throws -> [[String: Any]] {
        let text = (try? String(contentsOfFile: cluster.auditLog, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }.filter { $0.string(at: "stage") == "ResponseComplete" }
    }
}

extension [String: Any] {
    /// `user.username`, `impersonatedUser.username`: a value inside nested objects.
    func string(at path: String) -> String? {
        var value: Any? = self
        for key in path.split(separator: ".") { value = (value as? [String: Any])?[String(key)] }
        return value as? String
    }
}

/// One API server for every Kubernetes test in the process: tests keep
/// apart by their subjects and the names of what they create.
enum SharedKubeCluster {
    static func get() async throws -> KubeClusterProcess { try await task.value }

    private static let task = Task {
        let cluster = try await KubeClusterProcess.start()
        Cleanup.atExit { cluster.stop() }
        return cluster
    }
}
