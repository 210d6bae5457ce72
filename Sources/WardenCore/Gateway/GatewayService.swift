import Logging
import NIOCore
import ServiceLifecycle

/// Runs the listeners until graceful shutdown: then it stops accepting, lets
/// open sessions finish within `drainTimeout`, and closes whatever is left.
struct GatewayService: Service {
    let gateway: Gateway
    let drainTimeout: Duration

    func run() async throws {
        var channels: [any Channel] = []
        for listenerConfig in gateway.config.listeners {
            guard let plugin = gateway.plugins.protocolPlugin(named: listenerConfig.protocolName) else {
                throw PluginLoadError.notFound(name: listenerConfig.protocolName, searched: gateway.config.pluginPaths)
            }
            let channel = try await Listener(config: listenerConfig, plugin: plugin, gateway: gateway).bind()
            channels.append(channel)
            let tls = gateway.listenerTLS[listenerConfig.name] == nil ? "no TLS" : "TLS"
            gateway.logger.info("listening", metadata: [
                "listener": "\(listenerConfig.name)", "protocol": "\(listenerConfig.protocolName)",
                "address": "\(channel.localAddress.map { "\($0)" } ?? "\(listenerConfig.address)")", "tls": "\(tls)",
            ])
        }
        // Tests and scripts wait for this exact line.
        gateway.logger.notice("warden is ready")

        try? await gracefulShutdown()

        gateway.logger.notice("shutting down: no new connections; waiting for \(gateway.sessions.value) session(s)")
        for channel in channels {
            try? await channel.close()
        }
        let deadline = ContinuousClock.now + drainTimeout
        while gateway.sessions.value > 0 && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(50))
        }
        if gateway.sessions.value > 0 {
            gateway.logger.warning("closing \(gateway.sessions.value) session(s) still open after \(drainTimeout)")
            SessionRegistry.shared.closeAll()
            try? await Task.sleep(for: .milliseconds(200))
        }
    }
}
