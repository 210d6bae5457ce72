import WardenHTTPCore
import WardenKubernetesCore
import WardenPluginSDK

/// The Kubernetes protocol plugin: the HTTP proxy of WardenHTTPCore with
/// the Kubernetes dialect. kubectl signs in with the person's OIDC token
/// (`warden kube config` writes a kubeconfig that fetches it); the API
/// server sees the person through impersonation.
struct KubernetesPlugin: ProtocolPlugin {
    static let manifest = PluginManifest(
        name: "kubernetes", kind: .protocol, version: "1.0.0",
        description: "Kubernetes API gateway: bearer-token sign-in, impersonation, verb and resource policy, approvals, recording",
        capabilities: [.clientTLSUpgrade, .upstreamTLSUpgrade, .approvalNotices, .masking, .upstreamReconnect])

    init(host: PluginHost) {}

    func makeSession(context: SessionContext, info: SessionInfo) throws -> any ProtocolSession {
        try HTTPProxySession(host: context, dialect: KubernetesDialect(options: info.options), info: info)
    }

    /// Too many connections: 503 as a Status, which kubectl prints.
    func refusal(_ reason: ClientRefusal, message: String) -> [UInt8]? {
        KubernetesDialect().answer(status: 503, detail: message, close: true, headers: [("Retry-After", "5")])
    }
}

@_cdecl("warden_plugin_entry")
public func wardenPluginEntry() -> UnsafeRawPointer { exportPlugin(KubernetesPlugin.self) }
