import Foundation
import Testing
import WardenTestSupport

/// Red team, Kubernetes round 1: ways around the rules and the masking
/// that the API server would have taken, each refused now.
@Suite(.serialized, .ownThreads) struct KubernetesPolicyTests {
    let kube: KubeGateway

    init() async throws {
        kube = try KubeGateway(cluster: try await SharedKubeCluster.get(), rules: """
                rules:
                  - { match: { class: exec, namespaces: [prod] }, action: deny, reason: "no exec in prod" }
                  - { match: { resources: secrets, namespaces: [prod] }, action: deny, reason: "prod's secrets stay in prod" }
                  - { match: { resources: configmaps, names: [locked] }, action: deny, reason: "that one is locked" }
                default: allow
            """)
    }

    /// `nodes/n1/proxy/containerLogs/prod/…` reached prod's pod past a rule on prod.
    @Test func aNodeProxyCarriesThePodsNamespace() throws {
        defer { kube.gateway.stop() }
        let kubeconfig = try kube.kubeconfig(subject: "mallory-nodes", groups: ["dev"])
        let prod = try kube.kubectl(kubeconfig: kubeconfig, ["get", "--raw", "/api/v1/nodes/n1/proxy/containerLogs/prod/web/app"])
        #expect(prod.status != 0 && prod.stderr.contains("no exec in prod"), "\(prod.output)")
        let dev = try kube.kubectl(kubeconfig: kubeconfig, ["get", "--raw", "/api/v1/nodes/n1/proxy/containerLogs/dev/web/app"])
        #expect(dev.status == 0 && dev.stdout.contains("log line 1 of dev/web/app"), "\(dev.output)")
        let nodeWide = try kube.kubectl(kubeconfig: kubeconfig, ["get", "--raw", "/api/v1/nodes/n1/proxy/pods"])
        #expect(nodeWide.status != 0 && nodeWide.stderr.contains("no exec in prod"), "a node's kubelet reaches every namespace: \(nodeWide.output)")
    }

    /// A list across all namespaces, or by a field selector on the name,
    /// slipped past rules on namespaces and names.
    @Test func listsMatchTheRulesOfWhatTheyReach() throws {
        defer { kube.gateway.stop() }
        let kubeconfig = try kube.kubeconfig(subject: "mallory-lists", groups: ["dev"])
        let everywhere = try kube.kubectl(kubeconfig: kubeconfig, ["get", "secrets", "-A"])
        #expect(everywhere.status != 0 && everywhere.stderr.contains("prod's secrets stay in prod"), "\(everywhere.output)")
        let dev = try kube.kubectl(kubeconfig: kubeconfig, ["get", "secrets", "-n", "dev"])
        #expect(dev.status == 0, "\(dev.output)")
        let selected = try kube.kubectl(kubeconfig: kubeconfig, ["get", "configmaps", "-n", "dev", "--field-selector", "metadata.name=locked"])
        #expect(selected.status != 0 && selected.stderr.contains("that one is locked"), "\(selected.output)")
        // A plain list reaches `locked` too; another one by name does not.
        let list = try kube.kubectl(kubeconfig: kubeconfig, ["get", "configmaps", "-n", "dev"])
        #expect(list.status != 0 && list.stderr.contains("that one is locked"), "\(list.output)")
        let other = try kube.kubectl(kubeconfig: kubeconfig, ["get", "configmap", "kube-root-ca.crt", "-n", "dev"])
        #expect(!other.stderr.contains("that one is locked"), "\(other.output)")
    }

    /// A watch of Secrets upgraded to WebSocket passed every value in clear.
    @Test func onlyExecAttachAndPortForwardSwitchProtocols() throws {
        defer { kube.gateway.stop() }
        let token = try kube.gateway.devToken(subject: "mallory-ws", groups: ["dev"])
        let result = try Command.run("curl", [
            "-sS", "--max-time", "20", "--cacert", kube.gateway.directory.appendingPathComponent("gateway.crt").path,
            "-H", "Authorization: Bearer \(token)", "-H", "Connection: Upgrade", "-H", "Upgrade: websocket",
            "-H", "Sec-WebSocket-Version: 13", "-H", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==", "-H", "Origin: https://x",
            "-w", "\n%{http_code}", "https://127.0.0.1:\(kube.gateway.port)/api/v1/namespaces/dev/secrets?watch=1",
        ])
        #expect(result.stdout.hasSuffix("\n403") && result.stdout.contains("only exec, attach and port-forward"), "\(result.output)")
        #expect(!result.stdout.contains("\"data\""), "\(result.output)")
    }

    /// JSON Patch's `copy` put a Secret's value into an annotation, and its
    /// error messages repeated it.
    @Test func jsonPatchOnASecretIsRefused() throws {
        defer { kube.gateway.stop() }
        let kubeconfig = try kube.kubeconfig(subject: "mallory-patch", groups: ["dev"])
        let name = "copied-\(UUID().uuidString.prefix(6).lowercased())"
        _ = try kube.admin(["create", "secret", "generic", name, "-n", "dev", "--from-literal=password=never-seen-\(name)"])
        defer { _ = try? kube.admin(["delete", "secret", name, "-n", "dev"]) }
        let patch = #"[{"op":"add","path":"/metadata/annotations","value":{}},{"op":"copy","from":"/data/password","path":"/metadata/annotations/leak"}]"#
        let result = try kube.kubectl(kubeconfig: kubeconfig, ["patch", "secret", name, "-n", "dev", "--type=json", "-p", patch, "--dry-run=server", "-o", "yaml"])
        #expect(result.status != 0 && result.stderr.contains("JSON Patch is not served on Secrets"), "\(result.output)")
        let secret = Data("never-seen-\(name)".utf8).base64EncodedString()
        #expect(!result.output.contains(secret), "\(result.output)")
        let merge = try kube.kubectl(kubeconfig: kubeconfig, ["label", "secret", name, "-n", "dev", "checked=yes"])
        #expect(merge.status == 0, "a merge patch still works: \(merge.output)")
    }

    /// A leading tab before `system:masters` reached the API server, which
    /// trims it: a viewer became cluster-admin.
    @Test func aClaimCannotSmuggleASystemGroup() throws {
        defer { kube.gateway.stop() }
        let kubeconfig = try kube.kubeconfig(subject: "vic-tab", groups: ["viewers", "\tsystem:masters", " system:masters"])
        let create = try kube.kubectl(kubeconfig: kubeconfig, ["create", "serviceaccount", "vic-was-here", "-n", "dev"])
        #expect(create.status != 0 && create.stderr.contains("forbidden"), "a viewer created an object: \(create.output)")
        let groups = try kube.auditEvents().filter { $0.string(at: "impersonatedUser.username") == "vic-tab" }
            .compactMap { ($0["impersonatedUser"] as? [String: Any])?["groups"] as? [String] }
        #expect(!groups.isEmpty && groups.allSatisfy { !$0.contains("system:masters") }, "\(groups)")
    }
}
