import WardenMySQLCore
import WardenPluginSDK

/// The MySQL protocol plugin: MySQL and MariaDB clients sign in with their
/// OIDC token as the password over TLS; Warden signs in upstream with the
/// gateway-held account and relays statements after the policy's verdict.
struct MySQLPlugin: ProtocolPlugin {
    static let manifest = PluginManifest(
        name: "mysql", kind: .protocol, version: "1.0.0",
        description: "MySQL/MariaDB client/server protocol: TLS, OIDC sign-in, statement policy, masking, recording",
        capabilities: [.clientTLSUpgrade, .upstreamTLSUpgrade, .masking])

    /// The connection ids clients see: the gateway's, never the upstream's.
    private let connectionIDs = ConnectionIDs()
    /// Every signed-in session, for KILL from another connection.
    private let directory = SessionDirectory()

    init(host: PluginHost) {}

    func makeSession(context: SessionContext, info: SessionInfo) throws -> any ProtocolSession {
        try MySQLSession(context: context, info: info, connectionID: connectionIDs.next(), directory: directory)
    }

    /// What the server itself sends a client it turns away.
    func refusal(_ reason: ClientRefusal, message: String) -> [UInt8]? {
        MySQLSession.refusal(tooManyConnections: reason == .tooManyConnections, message: message)
    }
}

@_cdecl("warden_plugin_entry")
public func wardenPluginEntry() -> UnsafeRawPointer { exportPlugin(MySQLPlugin.self) }
