import Foundation
import Testing
import WardenTestSupport

/// Must-show 3: a Secret's values never reach a client through Warden, nor
/// its records: get, list, watch and the answers to writes are masked, for
/// every client, while the API server keeps the real values.
@Suite(.serialized, .ownThreads) struct KubernetesSecretTests {
    let kube: KubeGateway
    /// `prod/db`'s password as the cluster fixture stores it, in base64 and in clear.
    static let storedPassword = "aHVudGVyMi1wcm9kLXNlY3JldA=="
    static let clearPassword = "hunter2-prod-secret"
    static let masked = "W21hc2tlZCBieSBXYXJkZW5d"

    init() async throws {
        kube = try KubeGateway(cluster: try await SharedKubeCluster.get(), rules: "    default: allow")
    }

    @Test func getAndListShowMaskedValues() throws {
        defer { kube.gateway.stop() }
        let kubeconfig = try kube.kubeconfig(subject: "alice-secrets", groups: ["dev"])
        for kubectl in KubeGateway.Kubectl.allCases {
            let yaml = try kube.kubectl(kubectl, kubeconfig: kubeconfig, ["get", "secret", "db", "-n", "prod", "-o", "yaml"])
            #expect(yaml.status == 0 && yaml.stdout.contains("password: \(Self.masked)"), "kubectl \(kubectl.rawValue): \(yaml.output)")
            #expect(!yaml.stdout.contains(Self.storedPassword), "kubectl \(kubectl.rawValue) saw the real value")
            let list = try kube.kubectl(kubectl, kubeconfig: kubeconfig, ["get", "secrets", "-A", "-o", "json"])
            #expect(list.status == 0 && list.stdout.contains(Self.masked) && !list.stdout.contains(Self.storedPassword),
                    "kubectl \(kubectl.rawValue): \(list.output)")
        }
        let decoded = try kube.kubectl(kubeconfig: kubeconfig, ["get", "secret", "db", "-n", "prod", "-o", "jsonpath={.data.password}"])
        #expect(Data(base64Encoded: decoded.stdout).map { String(decoding: $0, as: UTF8.self) } == "[masked by Warden]", "\(decoded.output)")
        let python = try Command.run("python3", [
            PythonFixtureProcess.supportDirectory.appendingPathComponent("kube/client.py").path, kubeconfig, "read-secret", "prod", "db",
        ])
        #expect(python.status == 0 && python.stdout.contains(Self.masked) && !python.stdout.contains(Self.storedPassword), "\(python.output)")
        let real = try kube.admin(["get", "secret", "db", "-n", "prod", "-o", "jsonpath={.data.password}"])
        #expect(real.stdout == Self.storedPassword, "the API server keeps the real value: \(real.output)")
    }

    /// A watch's events are masked as they come, and the answer to a write
    /// too; the request that wrote the value stays out of the records.
    @Test func watchesAndWritesAreMaskedAndNothingIsRecorded() throws {
        defer { kube.gateway.stop() }
        let kubeconfig = try kube.kubeconfig(subject: "alice-watches", groups: ["dev"])
        let name = "token-\(UUID().uuidString.prefix(6).lowercased())"
        let value = "watched-\(UUID().uuidString.prefix(8))"
        let encoded = Data(value.utf8).base64EncodedString()
        let script = """
            kubectl --request-timeout=0 get secrets -n dev -w -o json >"$1" 2>&1 &
            watch=$!
            sleep 2
            kubectl create secret generic \(name) -n dev --from-literal=token=\(value) -o yaml >"$2" 2>&1
            for _ in $(seq 100); do grep -q \(name) "$1" && break; sleep 0.1; done
            kill $watch
            """
        let watchLog = kube.gateway.directory.appendingPathComponent("watch.json").path
        let createLog = kube.gateway.directory.appendingPathComponent("create.yaml").path
        _ = try Command.run("bash", ["-c", script, "watch", watchLog, createLog], environment: ["KUBECONFIG": kubeconfig])
        let watched = (try? String(contentsOfFile: watchLog, encoding: .utf8)) ?? ""
        let created = (try? String(contentsOfFile: createLog, encoding: .utf8)) ?? ""
        #expect(watched.contains(name) && watched.contains(Self.masked), "\(watched)")
        #expect(created.contains("token: \(Self.masked)"), "\(created)")
        for text in [watched, created] {
            #expect(!text.contains(encoded) && !text.contains(value), "a client saw the value: \(text)")
        }
        let stored = try kube.admin(["get", "secret", name, "-n", "dev", "-o", "jsonpath={.data.token}"])
        #expect(stored.stdout == encoded, "\(stored.output)")

        kube.gateway.stop()
        for file in try FileManager.default.contentsOfDirectory(atPath: kube.gateway.directory.appendingPathComponent("state").path) {
            let bytes = FileManager.default.contents(atPath: kube.gateway.directory.appendingPathComponent("state/\(file)").path) ?? Data()
            let text = String(decoding: bytes, as: UTF8.self)
            for secret in [encoded, value, Self.storedPassword, Self.clearPassword] {
                #expect(!text.contains(secret), "\(file) holds a Secret's value")
            }
        }
        _ = try kube.admin(["delete", "secret", name, "-n", "dev"])
    }

    /// A client that asks for protobuf or YAML gets JSON, masked: Warden
    /// reads nothing else, and passes nothing it did not read.
    @Test func otherEncodingsAreAnsweredAsMaskedJSON() throws {
        defer { kube.gateway.stop() }
        let token = try kube.gateway.devToken(subject: "alice-protobuf", groups: ["dev"])
        for accept in ["application/vnd.kubernetes.protobuf", "application/yaml", "application/vnd.kubernetes.protobuf, */*"] {
            let result = try Command.run("curl", [
                "-sS", "--max-time", "30", "--cacert", kube.gateway.directory.appendingPathComponent("gateway.crt").path,
                "-H", "Authorization: Bearer \(token)", "-H", "Accept: \(accept)", "-D", "-",
                "https://127.0.0.1:\(kube.gateway.port)/api/v1/namespaces/prod/secrets/db",
            ])
            #expect(result.stdout.lowercased().contains("content-type: application/json"), "\(accept): \(result.output)")
            #expect(result.stdout.contains(Self.masked) && !result.stdout.contains(Self.storedPassword), "\(accept): \(result.output)")
        }
    }

    /// The connection's own masking rules reach every JSON answer: a
    /// ConfigMap's values go through the content detectors.
    @Test func configMapValuesGoThroughTheDetectors() throws {
        kube.gateway.stop()
        let masked = try KubeGateway(cluster: kube.cluster, rules: """
                default: allow
                masking:
                  - { detect: [email], masker: pii.redact }
            """)
        defer { masked.gateway.stop() }
        let name = "contacts-\(UUID().uuidString.prefix(6).lowercased())"
        let created = try masked.admin(["create", "configmap", name, "-n", "dev", "--from-literal=owner=grace.hopper@example.com",
                                        "--from-literal=team=compilers"])
        #expect(created.status == 0, "\(created.output)")
        let kubeconfig = try masked.kubeconfig(subject: "alice-configmaps", groups: ["dev"])
        let shown = try masked.kubectl(kubeconfig: kubeconfig, ["get", "configmap", name, "-n", "dev", "-o", "yaml"])
        #expect(shown.status == 0 && shown.stdout.contains("team: compilers"), "\(shown.output)")
        #expect(!shown.stdout.contains("grace.hopper@example.com"), "\(shown.output)")
        _ = try masked.admin(["delete", "configmap", name, "-n", "dev"])
    }
}
