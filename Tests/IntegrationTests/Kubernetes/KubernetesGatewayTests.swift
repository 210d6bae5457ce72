import Foundation
import Testing
import WardenTestSupport

/// kubectl and the Python client through Warden to a real kube-apiserver,
/// with the kubeconfig `warden kube config` writes: the person's identity
/// reaches the API server by impersonation, refusals read like RBAC's.
@Suite(.serialized, .ownThreads) struct KubernetesGatewayTests {
    let kube: KubeGateway

    init() async throws {
        kube = try KubeGateway(cluster: try await SharedKubeCluster.get(), rules: """
                rules:
                  - { match: { attributes: { verb: delete, resource: namespaces, name: prod } }, action: deny, reason: "prod is not deleted from a terminal" }
                  - { match: { class: exec, attributes: { namespace: prod } }, action: approve }
                default: allow
                approvals: { approvers: [ops], timeout: 30s }
            """)
    }

    /// Must-show 1: every client lists pods through the generated kubeconfig,
    /// and the API server's audit shows the person, impersonated by the gateway.
    @Test func everyClientSignsInAsThePerson() throws {
        defer { kube.gateway.stop() }
        let kubeconfig = try kube.kubeconfig(subject: "alice-lists", groups: ["dev"])
        let written = try String(contentsOfFile: kubeconfig, encoding: .utf8)
        #expect(written.contains("client.authentication.k8s.io/v1beta1") && !written.contains("token:"), "\(written)")
        for kubectl in KubeGateway.Kubectl.allCases {
            let pods = try kube.kubectl(kubectl, kubeconfig: kubeconfig, ["get", "pods", "-A"])
            #expect(pods.status == 0, "kubectl \(kubectl.rawValue): \(pods.output)")
            #expect(pods.stdout.contains("prod") && pods.stdout.contains("web") && pods.stdout.contains("Running"),
                    "kubectl \(kubectl.rawValue): \(pods.output)")
        }
        let python = try Command.run("python3", [
            PythonFixtureProcess.supportDirectory.appendingPathComponent("kube/client.py").path, kubeconfig, "list-pods",
        ])
        #expect(python.status == 0 && python.stdout.contains("prod/web") && python.stdout.contains("dev/web"), "\(python.output)")

        let events = try kube.auditEvents().filter { $0.string(at: "impersonatedUser.username") == "alice-lists" }
        #expect(!events.isEmpty, "the API server saw no request as alice-lists")
        #expect(events.allSatisfy { $0.string(at: "user.username") == "warden-gateway" })
        let agents = Set(events.compactMap { $0.string(at: "userAgent") })
        for version in ["/v1.20.2 ", "/v1.30.0 ", "kubectl/v1.32", "OpenAPI-Generator/"] {
            #expect(agents.contains { $0.contains(version) }, "no request from \(version) in \(agents)")
        }
    }

    /// Must-show 2: deleting prod is refused with the rule's reason, as
    /// kubectl prints an RBAC refusal, and the namespace stays.
    @Test func deletingProdIsRefusedWithTheReason() throws {
        defer { kube.gateway.stop() }
        let kubeconfig = try kube.kubeconfig(subject: "alice-deletes", groups: ["dev"])
        for kubectl in KubeGateway.Kubectl.allCases {
            let delete = try kube.kubectl(kubectl, kubeconfig: kubeconfig, ["delete", "namespace", "prod", "--wait=false"])
            #expect(delete.status != 0, "kubectl \(kubectl.rawValue): \(delete.output)")
            #expect(delete.stderr.contains("Error from server (Forbidden)") && delete.stderr.contains("prod is not deleted from a terminal"),
                    "kubectl \(kubectl.rawValue): \(delete.output)")
        }
        let namespace = try kube.admin(["get", "namespace", "prod", "-o", "jsonpath={.status.phase}"])
        #expect(namespace.stdout == "Active", "\(namespace.output)")
        let deletes = try kube.auditEvents().filter {
            $0.string(at: "impersonatedUser.username") == "alice-deletes" && $0.string(at: "verb") == "delete"
        }
        #expect(deletes.isEmpty, "a refused delete reached the API server: \(deletes)")
    }

    /// Must-show 2: a client-sent `--as` or `--as-group` is refused, never
    /// forwarded; the person's own identity is the only one the API server sees.
    @Test func aClientCannotChooseWhomToImpersonate() throws {
        defer { kube.gateway.stop() }
        let kubeconfig = try kube.kubeconfig(subject: "alice-as", groups: ["dev"])
        for flags in [["--as=system:admin"], ["--as=bob", "--as-group=system:masters"], ["--as=alice-as"]] {
            let result = try kube.kubectl(kubeconfig: kubeconfig, flags + ["get", "secrets", "-n", "prod"])
            #expect(result.status != 0, "\(flags): \(result.output)")
            #expect(result.stderr.contains("Error from server (Forbidden)") && result.stderr.contains("Impersonate-"), "\(flags): \(result.output)")
        }
        let claimed = try kube.auditEvents().filter {
            let user = $0.string(at: "impersonatedUser.username")
            return user == "system:admin" || user == "bob"
        }
        #expect(claimed.isEmpty, "\(claimed)")
    }

    /// Writes go through as the person: create and apply with every
    /// kubectl, seen by the API server as the person's.
    @Test func createAndApplyRunAsThePerson() throws {
        defer { kube.gateway.stop() }
        let kubeconfig = try kube.kubeconfig(subject: "alice-writes", groups: ["dev"])
        for kubectl in KubeGateway.Kubectl.allCases {
            let name = "settings-\(UUID().uuidString.prefix(8).lowercased())"
            let create = try kube.kubectl(kubectl, kubeconfig: kubeconfig, ["create", "configmap", name, "-n", "dev", "--from-literal=mode=blue"])
            #expect(create.status == 0, "kubectl \(kubectl.rawValue): \(create.output)")
            let manifest = """
                apiVersion: v1
                kind: ConfigMap
                metadata: { name: \(name), namespace: dev }
                data: { mode: green }
                """
            let apply = try kube.kubectl(kubectl, kubeconfig: kubeconfig, ["apply", "-f", "-"], input: manifest)
            #expect(apply.status == 0, "kubectl \(kubectl.rawValue): \(apply.output)")
            let stored = try kube.admin(["get", "configmap", name, "-n", "dev", "-o", "jsonpath={.data.mode}"])
            #expect(stored.stdout == "green", "kubectl \(kubectl.rawValue): \(stored.output)")
            let writers = try kube.auditEvents().filter {
                $0.string(at: "objectRef.name") == name && ["create", "patch"].contains($0.string(at: "verb") ?? "")
            }
            #expect(writers.count >= 2 && writers.allSatisfy { $0.string(at: "impersonatedUser.username") == "alice-writes" }, "\(writers)")
            _ = try kube.admin(["delete", "configmap", name, "-n", "dev"])
        }
    }

    /// A group that may not use the connection gets 403; a bad token 401,
    /// and kubectl says it is not logged in.
    @Test func outsidersAreRefused() throws {
        defer { kube.gateway.stop() }
        let outsider = try kube.kubeconfig(subject: "mallory", groups: ["marketing"])
        let refused = try kube.kubectl(kubeconfig: outsider, ["get", "pods", "-n", "dev"])
        #expect(refused.status != 0 && refused.stderr.contains("Forbidden"), "\(refused.output)")
        let kubeconfig = try kube.kubeconfig(subject: "alice-token", groups: ["dev"])
        let forged = try Command.run("kubectl", ["--request-timeout=30s", "get", "pods", "-n", "dev"], environment: [
            "KUBECONFIG": kubeconfig, "WARDEN_TOKEN": "eyJhbGciOiJIUzI1NiJ9.e30.c2lnbmF0dXJl",
        ])
        #expect(forged.status != 0 && forged.stderr.contains("You must be logged in to the server"), "\(forged.output)")
    }

    /// The credential plugin answers in the version kubectl asks for, with
    /// the token's expiry; a kubeconfig may ask for v1, which kubectl 1.22+ reads.
    @Test func theCredentialPluginSpeaksBothVersions() throws {
        defer { kube.gateway.stop() }
        let token = try kube.gateway.devToken(subject: "alice-v1", groups: ["dev"], ttl: "10m")
        let answer = try kube.gateway.warden(["kube", "credential"], environment: [
            "WARDEN_TOKEN": token,
            "KUBERNETES_EXEC_INFO": #"{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","spec":{"interactive":false}}"#,
        ])
        let credential = try #require(try JSONSerialization.jsonObject(with: Data(answer.stdout.utf8)) as? [String: Any], "\(answer.output)")
        #expect(credential["apiVersion"] as? String == "client.authentication.k8s.io/v1")
        #expect(credential["kind"] as? String == "ExecCredential")
        #expect(credential.string(at: "status.token") == token)
        #expect(credential.string(at: "status.expirationTimestamp")?.hasSuffix("Z") == true, "\(credential)")

        let none = try kube.gateway.warden(["kube", "credential"], environment: ["WARDEN_TOKEN": ""])
        #expect(none.status != 0 && none.stderr.contains("WARDEN_TOKEN"), "\(none.output)")

        let path = kube.gateway.directory.appendingPathComponent("kubeconfig-v1").path
        let written = try kube.gateway.warden([
            "kube", "config", "--connection", "cluster", "--exec-api-version", "v1", "--token-file",
            kube.gateway.directory.appendingPathComponent("token").path, "--output", path,
        ])
        #expect(written.status == 0, "\(written.output)")
        try token.write(toFile: kube.gateway.directory.appendingPathComponent("token").path, atomically: true, encoding: .utf8)
        let pods = try kube.kubectl(kubeconfig: path, ["get", "pods", "-n", "dev", "-o", "name"])
        #expect(pods.status == 0 && pods.stdout.contains("pod/web"), "\(pods.output)")
    }
}
