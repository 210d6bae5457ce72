import CWardenPlugin
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import Synchronization

/// Everything sessions share while the gateway runs: configuration, plugins,
/// identity, the recorder and the TLS contexts, all prepared at start so that
/// a configuration mistake stops the start, not a session.
final class Gateway: Sendable {
    let config: WardenConfig
    let plugins: PluginSet
    let validator: TokenValidator
    let recorder: Recorder
    let approvals: ApprovalBroker
    let logger: Logger
    let group: any EventLoopGroup
    let listenerTLS: [String: NIOSSLContext]
    let upstreamTLS: [String: NIOSSLContext]
    /// Each connection's gateway-held secrets, read at start.
    let upstreamSecrets: [String: UpstreamSecrets.Resolved]
    /// Each connection's masking, for connections that have rules.
    let masking: [String: ConnectionMasking]
    let sessions = SessionCounter()
    /// Client connections open across all listeners, against `limits.max_connections`.
    let connectionSlots: ConnectionSlots
    /// Connections still signing in, per client address, against `limits.max_signing_in_per_address`.
    let pendingSignIns: PendingSignIns

    init(config: WardenConfig, plugins: PluginSet, validator: TokenValidator, recorder: Recorder,
         approvals: ApprovalBroker, logger: Logger, group: any EventLoopGroup) throws {
        self.config = config
        self.plugins = plugins
        self.validator = validator
        self.recorder = recorder
        self.approvals = approvals
        self.logger = logger
        self.group = group
        connectionSlots = ConnectionSlots(limit: config.limits.maxConnections)
        pendingSignIns = PendingSignIns(limitPerAddress: config.limits.maxSigningInPerAddress)
        listenerTLS = try TLSContexts.listeners(config)
        upstreamTLS = try TLSContexts.upstreams(config)
        upstreamSecrets = try UpstreamSecrets.resolve(config)
        masking = try MaskingSetup.build(config, plugins: plugins)
    }

    /// The gateway the C host API reaches for calls that name no session.
    private static let running = Mutex<Gateway?>(nil)
    static var current: Gateway? { running.withLock { $0 } }
    func makeCurrent() { Self.running.withLock { $0 = self } }

    /// Opens an unauthenticated side connection to a connection's upstream,
    /// sends `bytes` and closes it (PostgreSQL's CancelRequest).
    /// Sends `bytes` on a new, unauthenticated connection to a connection's
    /// upstream, for the plugin of protocol `caller`: only to a connection of
    /// its own protocol, and only when it declares `cancel-forwarding`.
    func sendOutOfBand(connection name: String, bytes: [UInt8], fromProtocol caller: String) -> warden_status {
        guard let connection = config.connection(named: name) else { return WARDEN_NOT_FOUND }
        guard connection.protocolName == caller,
              plugins.protocolPlugin(named: caller)?.manifest.has(PluginManifestInfo.cancelForwardingCapability) == true
        else {
            logger.warning("refused an out-of-band message: a plugin may send one only to its own protocol's connections, with cancel-forwarding",
                           metadata: ["connection": "\(name)", "plugin": "\(caller)"])
            return WARDEN_UNSUPPORTED
        }
        let logger = self.logger
        ClientBootstrap(group: group)
            .connectTimeout(.seconds(5))
            .connect(host: connection.upstream.host, port: connection.upstream.port)
            .flatMap { channel in
                channel.writeAndFlush(channel.allocator.buffer(bytes: bytes)).flatMap { channel.close() }
            }
            .whenFailure { error in
                logger.warning("could not deliver an out-of-band message upstream", metadata: [
                    "connection": "\(name)", "error": "\(error)",
                ])
            }
        return WARDEN_OK
    }
}

/// Counts live sessions so that shutdown can wait for them.
final class SessionCounter: Sendable {
    private let count = Mutex(0)
    func opened() { count.withLock { $0 += 1 } }
    func closed() { count.withLock { $0 -= 1 } }
    var value: Int { count.withLock { $0 } }
}
