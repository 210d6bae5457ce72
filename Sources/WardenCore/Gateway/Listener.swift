import Logging
import NIOCore
import NIOPosix

/// Accepts clients on one configured address and gives each a session with
/// the listener's protocol plugin.
///
/// Three limits hold for every protocol (`limits:`): a connection beyond
/// `max_connections`, or beyond `max_signing_in_per_address` connections of
/// its client address that have not signed in yet, is turned away at once
/// with the plugin's refusal (see ``ConnectionRefusal``), and one that has
/// not signed in within `sign_in_timeout` is closed (see
/// ``SignInDeadlineHandler``).
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
                    let slots = gateway.connectionSlots, pending = gateway.pendingSignIns
                    let address = channel.remoteAddress?.ipAddress ?? "unknown"
                    guard slots.acquire() else {
                        try Self.refuse(channel, plugin: plugin, gateway: gateway, listener: config, because: .allTaken)
                        return
                    }
                    channel.closeFuture.whenComplete { _ in slots.release() }
                    guard pending.acquire(address) else {
                        try Self.refuse(channel, plugin: plugin, gateway: gateway, listener: config,
                                        because: .addressSigningIn(address))
                        return
                    }
                    let bridge = SessionBridge(gateway: gateway, listener: config, plugin: plugin, client: channel)
                    let bound = NIOLoopBound(bridge, eventLoop: channel.eventLoop)
                    let deadline = SignInDeadlineHandler(
                        timeout: signInTimeout, onExpiry: { bound.value.signInTimedOut() },
                        onFinished: { pending.release(address) })
                    bridge.signInDeadline = deadline
                    try channel.pipeline.syncOperations.addHandlers(deadline, SideHandler(bridge: bound, side: .client))
                    bridge.start()
                }
            }
            .bind(host: config.address.host, port: config.address.port)
            .get()
    }

    enum RefusalCause {
        /// Every slot of `limits.max_connections` is taken.
        case allTaken
        /// This client address already has `limits.max_signing_in_per_address`
        /// connections that have not signed in.
        case addressSigningIn(String)
    }

    /// Turns `channel` away, with one log line per ``ConnectionSlots/logInterval`` at most.
    private static func refuse(_ channel: any Channel, plugin: ProtocolPluginHandle, gateway: Gateway,
                               listener: ListenerConfig, because cause: RefusalCause) throws {
        let slots = gateway.connectionSlots
        let (linger, logCount) = slots.refused()
        let client = channel.remoteAddress.map { "\($0.ipAddress ?? "?"):\($0.port ?? 0)" } ?? "unknown"
        let text: String
        switch cause {
        case .allTaken:
            text = "too many connections: this gateway accepts \(slots.limit) at once; try again later"
            if let logCount {
                gateway.logger.warning("refusing client connections: all are taken (limits.max_connections)", metadata: [
                    "listener": "\(listener.name)", "open": "\(slots.open)", "limit": "\(slots.limit)",
                    "refused": "\(logCount)", "client": "\(client)",
                ])
            }
        case .addressSigningIn(let address):
            let limit = gateway.pendingSignIns.limitPerAddress
            text = "too many connections from \(address) that have not signed in yet (at most \(limit)); try again later"
            if let logCount {
                gateway.logger.warning(
                    "refusing client connections: one address has too many that have not signed in (limits.max_signing_in_per_address)",
                    metadata: ["listener": "\(listener.name)", "limit": "\(limit)", "refused": "\(logCount)", "client": "\(client)"])
            }
        }
        let message = plugin.refusal(.tooManyConnections, message: text)
        try channel.pipeline.syncOperations.addHandler(ConnectionRefusal(message: message, linger: linger) {
            if linger { slots.refusalClosed() }
        })
    }
}
