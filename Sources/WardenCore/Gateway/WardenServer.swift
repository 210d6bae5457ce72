import Foundation
import AsyncHTTPClient
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle

/// `warden serve`: loads plugins, identity and the store from a validated
/// configuration, then runs until SIGTERM or SIGINT.
public enum WardenServer {
    public static func run(config: WardenConfig, logger: Logger, drainTimeout: Duration = .seconds(10)) async throws {
        AllocatorSettings.pin()
        DescriptorLimit.prepare(maxConnections: config.limits.maxConnections, logger: logger)
        let plugins = try PluginSet.load(directories: config.pluginPaths) { logger.warning("\($0)") }
        for manifest in plugins.manifests {
            logger.info("loaded plugin", metadata: [
                "plugin": "\(manifest.name)", "version": "\(manifest.version)", "file": "\(manifest.path)",
            ])
        }
        let httpClient = HTTPClient(eventLoopGroupProvider: .singleton)
        do {
            let validator = try makeValidator(config: config, httpClient: httpClient, logger: logger)
            let store = try await RecordStore.open(
                path: config.store.sqlitePath, logger: logger, busyTimeout: config.store.busyTimeout)
            let audit: AuditLog
            do {
                audit = try await AuditLog.open(
                    path: config.store.sqlitePath, logger: logger, busyTimeout: config.store.busyTimeout)
            } catch {
                try? await store.close()
                throw error
            }
            do {
                try await serve(config: config, plugins: plugins, validator: validator, store: store, audit: audit,
                                httpClient: httpClient, logger: logger, drainTimeout: drainTimeout)
            } catch {
                // SQLite connections must be closed even when the start fails.
                try? await store.close()
                try? await audit.close()
                throw error
            }
            try await store.close()
            try await audit.close()
        } catch {
            try? await httpClient.shutdown()
            throw error
        }
        try await httpClient.shutdown()
    }

    private static func serve(
        config: WardenConfig, plugins: PluginSet, validator: TokenValidator, store: RecordStore, audit: AuditLog,
        httpClient: HTTPClient, logger: Logger, drainTimeout: Duration
    ) async throws {
        let recorder = Recorder(store: store, logger: logger)
        let approvalEvents = ApprovalEventSink(
            recorder: recorder, logger: logger, httpClient: httpClient,
            webhooks: config.connections.reduce(into: [:]) { $0[$1.name] = $1.policy.approvals?.webhook })
        let approvals = ApprovalBroker(events: approvalEvents.handle)
        let gateway = try Gateway(
            config: config, plugins: plugins, validator: validator, recorder: recorder,
            approvals: approvals, logger: logger, group: MultiThreadedEventLoopGroup.singleton)
        gateway.makeCurrent()
        recorder.audit(AuditKind.configLoaded, actor: AuditKind.gatewayActor, detail: [
            "file": config.source, "listeners": config.listeners.map(\.name).joined(separator: ","),
            "connections": config.connections.map(\.name).joined(separator: ","),
            "plugins": plugins.manifests.map { "\($0.name) \($0.version)" }.joined(separator: ","),
        ])
        // Started in this order and stopped in reverse: the listeners drain
        // first (approvers can still release held statements), then the
        // admin API stops, and the recorder writes the last events.
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [.init(service: recorder)]
        if let admin = config.admin {
            services.append(.init(service: AdminService(config: admin, gateway: gateway)))
        }
        services.append(.init(service: GatewayService(gateway: gateway, drainTimeout: drainTimeout)))
        let serviceGroup = ServiceGroup(configuration: .init(
            services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await serviceGroup.run()
    }

    static func makeValidator(config: WardenConfig, httpClient: HTTPClient, logger: Logger) throws -> TokenValidator {
        var oidc: OIDCProvider?
        if let settings = config.identity.oidc {
            oidc = try OIDCProvider(
                settings: OIDCSettings(issuer: settings.issuer, audience: settings.audience, groupsClaim: settings.groupsClaim),
                httpClient: httpClient, logger: logger)
        }
        var dev: DevIssuer?
        if config.identity.devIssuerEnabled {
            logger.warning("""
                THE DEVELOPMENT TOKEN ISSUER IS ENABLED: anyone who can run 'warden dev token' on this machine \
                can sign in as anyone. Disable identity.dev_issuer outside local development.
                """)
            dev = try DevIssuer(keyFile: devIssuerKeyFile(config), audience: config.identity.audience)
        }
        return TokenValidator(oidc: oidc, dev: dev)
    }

    /// The development issuer's key lives beside the store.
    public static func devIssuerKeyFile(_ config: WardenConfig) -> URL {
        URL(fileURLWithPath: config.store.sqlitePath).deletingLastPathComponent()
            .appendingPathComponent("dev-issuer-key.pem")
    }
}
