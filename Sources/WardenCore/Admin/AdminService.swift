import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// The admin HTTP API, run in the gateway's service group.
///
/// It reads sessions and the audit trail through its own SQLite connections
/// (WAL lets them read while the recorder writes), so a long `verify` never
/// holds up recording; approvals go to the gateway's shared broker. It stops
/// with the group: after the listeners have drained, so approvers can still
/// release held statements while sessions finish.
struct AdminService: Service {
    let address: SocketAddressConfig
    let storePath: String
    let validator: TokenValidator
    let access: AdminAccess
    let approvals: ApprovalBroker
    let logger: Logger
    /// Told the bound address once the server accepts connections.
    let onListening: @Sendable (SocketAddress) async -> Void

    init(config: AdminConfig, gateway: Gateway) {
        self.init(
            address: config.address, storePath: gateway.config.store.sqlitePath, validator: gateway.validator,
            access: AdminAccess(admin: config, connections: gateway.config.connections),
            approvals: gateway.approvals, logger: gateway.logger)
    }

    init(address: SocketAddressConfig, storePath: String, validator: TokenValidator, access: AdminAccess,
         approvals: ApprovalBroker, logger: Logger, onListening: @escaping @Sendable (SocketAddress) async -> Void = { _ in }) {
        self.address = address
        self.storePath = storePath
        self.validator = validator
        self.access = access
        self.approvals = approvals
        self.logger = logger
        self.onListening = onListening
    }

    func run() async throws {
        // The gateway has created the store and the trail before any service starts.
        let records = try await RecordStore.open(path: storePath, logger: logger)
        let audit: AuditLog
        do {
            audit = try await AuditLog.open(path: storePath, logger: logger, create: false)
        } catch {
            try? await records.close()
            throw error
        }
        let api = AdminAPI(validator: validator, access: access, approvals: approvals, records: records, audit: audit)
        // Hummingbird logs each start and request at info and debug; the
        // gateway's own line below says what an operator needs.
        var serverLogger = logger
        serverLogger.logLevel = max(logger.logLevel, .notice)
        let logger = self.logger, onListening = self.onListening
        let app = Application(
            router: AdminRouter.build(api),
            configuration: ApplicationConfiguration(address: .hostname(address.host, port: address.port)),
            onServerRunning: { channel in
                let bound = channel.localAddress
                logger.notice("admin API listening", metadata: ["address": "http://\(bound.map(Self.hostPort) ?? "?")"])
                if let bound { await onListening(bound) }
            },
            logger: serverLogger)
        do {
            try await app.run()
        } catch {
            try? await audit.close()
            try? await records.close()
            throw error
        }
        try await audit.close()
        try await records.close()
    }

    /// `127.0.0.1:8081` or `[::1]:8081`, as a URL needs it.
    static func hostPort(_ address: SocketAddress) -> String {
        let host = address.ipAddress ?? "?"
        let port = address.port.map(String.init) ?? "?"
        return host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}
