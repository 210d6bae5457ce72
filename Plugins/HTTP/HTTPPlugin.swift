import WardenHTTPCore
import WardenPluginSDK

/// The HTTP protocol plugin: an HTTP/1.1 reverse proxy whose requests are
/// signed in with a bearer token and judged by method and path. The proxy
/// itself is ``HTTPProxySession`` in WardenHTTPCore, shared with the
/// Kubernetes plugin; this plugin only says how a request is described.
struct HTTPPlugin: ProtocolPlugin {
    static let manifest = PluginManifest(
        name: "http", kind: .protocol, version: "1.0.0",
        description: "HTTP/1.1 reverse proxy: bearer-token sign-in, method and path policy, approvals, JSON and text masking, WebSocket relay",
        capabilities: [.clientTLSUpgrade, .upstreamTLSUpgrade, .approvalNotices, .masking, .upstreamReconnect])

    init(host: PluginHost) {}

    func makeSession(context: SessionContext, info: SessionInfo) throws -> any ProtocolSession {
        try HTTPProxySession(host: context, dialect: PlainHTTPDialect(), info: info)
    }

    /// Too many connections: 503, as any overloaded HTTP server says it.
    func refusal(_ reason: ClientRefusal, message: String) -> [UInt8]? {
        GatewayResponse.problem(status: 503, detail: message, close: true, headers: [("Retry-After", "5")])
    }
}

@_cdecl("warden_plugin_entry")
public func wardenPluginEntry() -> UnsafeRawPointer { exportPlugin(HTTPPlugin.self) }
