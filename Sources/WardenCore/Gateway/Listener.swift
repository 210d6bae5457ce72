import Logging
import NIOCore
import NIOPosix

/// Accepts clients on one configured address and gives each a session with
/// the listener's protocol plugin.
struct Listener {
    let config: ListenerConfig
    let plugin: ProtocolPluginHandle
    let gateway: Gateway

    func bind() async throws -> any Channel {
        let gateway = self.gateway, config = self.config, plugin = self.plugin
        return try await ServerBootstrap(group: gateway.group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.recvAllocator, value: SideHandler.receiveBuffers)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let bridge = SessionBridge(gateway: gateway, listener: config, plugin: plugin, client: channel)
                    let bound = NIOLoopBound(bridge, eventLoop: channel.eventLoop)
                    try channel.pipeline.syncOperations.addHandler(SideHandler(bridge: bound, side: .client))
                    bridge.start()
                }
            }
            .bind(host: config.address.host, port: config.address.port)
            .get()
    }
}
