import Logging
import NIOCore
import NIOPosix

/// Accepts clients on one configured address and gives each a session with
/// the listener's protocol plugin.
///
/// Two limits hold for every protocol (`limits:`): a connection beyond
/// `max_connections` is turned away at once with the plugin's refusal (see
/// ``ConnectionRefusal``), and one that has not signed in within
/// `sign_in_timeout` is closed (see ``SignInDeadlineHandler``).
struct Listener {
    let config: ListenerConfig
    let plugin: ProtocolPluginHandle
    let gateway: Gateway

    func bind() async throws -> any Channel {
        let gateway = self.gateway, config = self.config, plugin = self.plugin
        let signInTimeout = TimeAmount.nanoseconds(
            Int64(gateway.config.limits.signInTimeout.components.seconds) * 1_000_000_000)
        return try await ServerBootstrap(group: gateway.group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.recvAllocator, value: SideHandler.receiveBuffers)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let slots = gateway.connectionSlots
                    guard slots.acquire() else {
                        try Self.refuse(channel, plugin: plugin, gateway: gateway, listener: config)
                        return
                    }
                    channel.closeFuture.whenComplete { _ in slots.release() }
                    let bridge = SessionBridge(gateway: gateway, listener: config, plugin: plugin, client: channel)
                    let bound = NIOLoopBound(bridge, eventLoop: channel.eventLoop)
                    let deadline = SignInDeadlineHandler(timeout: signInTimeout) { bound.value.signInTimedOut() }
                    bridge.signInDeadline = deadline
                    try channel.pipeline.syncOperations.addHandlers(deadline, SideHandler(bridge: bound, side: .client))
                    bridge.start()
                }
            }
            .bind(host: config.address.host, port: config.address.port)
            .get()
    }

    /// Turns `channel` away: every slot is taken.
    private static func refuse(_ channel: any Channel, plugin: ProtocolPluginHandle, gateway: Gateway, listener: ListenerConfig) throws {
        let slots = gateway.connectionSlots
        let (linger, logCount) = slots.refused()
        if let logCount {
            gateway.logger.warning("refusing client connections: all are taken (limits.max_connections)", metadata: [
                "listener": "\(listener.name)", "open": "\(slots.open)", "limit": "\(slots.limit)",
                "refused": "\(logCount)",
                "client": "\(channel.remoteAddress.map { "\($0.ipAddress ?? "?"):\($0.port ?? 0)" } ?? "unknown")",
            ])
        }
        let message = plugin.refusal(
            .tooManyConnections,
            message: "too many connections: this gateway accepts \(slots.limit) at once; try again later")
        try channel.pipeline.syncOperations.addHandler(ConnectionRefusal(message: message, linger: linger) {
            if linger { slots.refusalClosed() }
        })
    }
}
