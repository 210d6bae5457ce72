import Foundation
import Yams

extension WardenConfig {
    /// Reads and validates a YAML configuration file.
    public static func load(path: String) throws -> WardenConfig {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigError(file: path, line: nil, key: "", message: "cannot read the file: \(error.localizedDescription)")
        }
        return try parse(yaml: text, file: path)
    }

    /// Validates a YAML configuration held in memory; `file` names it in errors.
    public static func parse(yaml: String, file: String) throws -> WardenConfig {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            throw ConfigError(file: file, line: error.line, key: "", message: "not valid YAML: \(error)")
        }
        let top = ConfigNode(node: root, path: "", file: file, fallbackLine: 1)
        guard !top.isMissing else { throw top.error("the file is empty") }
        try top.checkKeys(["listeners", "plugins", "identity", "connections", "store", "admin", "limits"])

        let listeners = try top.child("listeners").elements().map(ListenerConfig.init)
        guard !listeners.isEmpty else { throw try top.child("listeners").error("at least one listener is required") }
        try requireUniqueNames(listeners.map(\.name), in: try top.child("listeners"))

        let plugins = try top.child("plugins")
        try plugins.checkKeys(["paths"])
        let identity = try IdentityConfig(try top.child("identity"))
        let connectionsNode = try top.child("connections")
        let connections = try connectionsNode.elements().map { try ConnectionConfig($0, identity: identity) }
        try requireUniqueNames(connections.map(\.name), in: connectionsNode)
        try checkListenerConnections(listeners, connections, in: top.child("listeners"))

        let storeNode = try top.child("store")
        try storeNode.checkKeys(["sqlite", "result_capture_bytes", "busy_timeout", "unavailable_timeout"])
        let adminNode = try top.child("admin")
        try adminNode.checkKeys(["address", "groups"])

        return WardenConfig(
            listeners: listeners,
            pluginPaths: try plugins.child("paths").isMissing ? [executableDirectory] : plugins.child("paths").strings(),
            identity: identity,
            connections: connections,
            store: StoreConfig(
                sqlitePath: try storeNode.child("sqlite").optionalString() ?? ".warden/warden.db",
                resultCaptureBytes: try storeNode.child("result_capture_bytes").int(
                    default: StoreConfig.defaultResultCaptureBytes, in: 0...(1 << 30)),
                busyTimeout: try storeNode.child("busy_timeout").duration(
                    default: StoreConfig.defaultBusyTimeout, in: .seconds(1) ... .seconds(300)),
                unavailableTimeout: try storeNode.child("unavailable_timeout").duration(
                    default: StoreConfig.defaultUnavailableTimeout, in: .seconds(1) ... .seconds(3600))),
            admin: adminNode.isMissing ? nil : try AdminConfig(adminNode),
            limits: try LimitsConfig(try top.child("limits")),
            source: file)
    }

    /// Where `warden` itself lives: plugins are looked for beside it by default.
    static var executableDirectory: String {
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        return executable.deletingLastPathComponent().path
    }

    /// A listener's `connection` must exist and speak the listener's protocol.
    private static func checkListenerConnections(
        _ listeners: [ListenerConfig], _ connections: [ConnectionConfig], in node: ConfigNode
    ) throws {
        for (index, listener) in listeners.enumerated() {
            guard let name = listener.connection else { continue }
            let field = try node.elements()[index].child("connection")
            guard let connection = connections.first(where: { $0.name == name }) else {
                throw field.error("names no connection; expected one of: \(connections.map(\.name).joined(separator: ", "))")
            }
            guard connection.protocolName == listener.protocolName else {
                throw field.error("'\(name)' is a \(connection.protocolName) connection, but this listener speaks \(listener.protocolName)")
            }
        }
    }

    private static func requireUniqueNames(_ names: [String], in node: ConfigNode) throws {
        var seen = Set<String>()
        for name in names where !seen.insert(name).inserted {
            throw node.error("the name '\(name)' is used twice")
        }
    }
}

extension SocketAddressConfig {
    init(_ node: ConfigNode) throws {
        let text = try node.string()
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
              (0...65535).contains(port)
        else { throw node.error("expected HOST:PORT such as 127.0.0.1:6432, found '\(text)'") }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { throw node.error("expected HOST:PORT, the host is missing in '\(text)'") }
        self.init(host: host, port: port)
    }
}

extension LimitsConfig {
    init(_ node: ConfigNode) throws {
        try node.checkKeys(["sign_in_timeout", "max_connections", "max_signing_in_per_address"])
        self.init(
            signInTimeout: try node.child("sign_in_timeout").duration(
                default: Self.defaultSignInTimeout, maximum: Self.maximumSignInTimeout),
            maxConnections: try node.child("max_connections").int(
                default: Self.defaultMaxConnections, in: 1...Self.maximumMaxConnections),
            maxSigningInPerAddress: try node.child("max_signing_in_per_address").int(
                default: Self.defaultMaxSigningInPerAddress, in: 1...Self.maximumMaxConnections))
    }
}

extension AdminConfig {
    init(_ node: ConfigNode) throws {
        let addressNode = try node.child("address")
        let address = try SocketAddressConfig(addressNode)
        // Bearer tokens must not cross a network in clear: until the admin
        // API serves TLS it listens on loopback only.
        guard address.isLoopback else {
            throw addressNode.error("the admin API serves plain HTTP and must listen on a loopback address such as 127.0.0.1:8081, found '\(address)'")
        }
        self.init(address: address, groups: try node.child("groups").stringOrStrings())
    }
}

extension ListenerConfig {
    init(_ node: ConfigNode) throws {
        try node.checkKeys(["name", "protocol", "address", "tls", "connection", "options"])
        let tls = try node.child("tls")
        var files: TLSFilesConfig?
        if !tls.isMissing {
            try tls.checkKeys(["certificate", "key"])
            files = TLSFilesConfig(certificate: try tls.child("certificate").string(), key: try tls.child("key").string())
        }
        self.init(
            name: try node.child("name").string(), protocolName: try node.child("protocol").string(),
            address: try SocketAddressConfig(try node.child("address")), tls: files,
            connection: try node.child("connection").optionalString(),
            options: try Self.options(node.child("options")))
    }

    /// `options:` a mapping of plain values the listener's plugin reads.
    private static func options(_ node: ConfigNode) throws -> [String: String] {
        guard !node.isMissing else { return [:] }
        guard let mapping = node.node?.mapping else { throw node.error("expected a mapping of option names to values") }
        var options: [String: String] = [:]
        for (key, value) in mapping {
            guard let key = key.string, let value = value.string else {
                throw node.error("expected plain values, such as token_cookie: session")
            }
            options[key] = value
        }
        return options
    }
}

extension IdentityConfig {
    init(_ node: ConfigNode) throws {
        try node.checkKeys(["oidc", "dev_issuer", "max_session"])
        let oidcNode = try node.child("oidc")
        var oidc: OIDCConfig?
        if !oidcNode.isMissing {
            try oidcNode.checkKeys(["issuer", "audience", "groups_claim"])
            let issuerNode = try oidcNode.child("issuer")
            let issuerText = try issuerNode.string()
            guard let issuer = URL(string: issuerText), issuer.scheme != nil, let host = issuer.host, !host.isEmpty else {
                throw issuerNode.error("expected an absolute URL such as https://idp.example.com/realms/main, found '\(issuerText)'")
            }
            guard TransportRule.isAcceptable(issuer) else {
                throw issuerNode.error("the issuer must use https (plain http is accepted only on a loopback address), found '\(issuerText)'")
            }
            oidc = OIDCConfig(
                issuer: issuer, audience: try oidcNode.child("audience").optionalString() ?? "warden",
                groupsClaim: try oidcNode.child("groups_claim").optionalString() ?? "groups")
        }
        let dev = try node.child("dev_issuer")
        try dev.checkKeys(["enabled"])
        let devEnabled = try dev.child("enabled").bool(default: false)
        guard oidc != nil || devEnabled else {
            throw node.error("configure identity.oidc, or enable identity.dev_issuer for local use: no token could be accepted otherwise")
        }
        self.init(
            oidc: oidc, devIssuerEnabled: devEnabled,
            maxSession: try node.child("max_session").duration(
                default: IdentityConfig.defaultMaxSession, in: IdentityConfig.maxSessionRange))
    }

    /// The audience tokens must carry: the OIDC one, or `warden` for the dev issuer alone.
    public var audience: String { oidc?.audience ?? "warden" }
}

extension ConnectionConfig {
    init(_ node: ConfigNode, identity: IdentityConfig) throws {
        try node.checkKeys([
            "name", "protocol", "upstream", "allow_groups", "rules", "default", "approvals", "masking", "max_session",
            "max_statement_bytes", "max_body_bytes",
        ])
        let protocolName = try node.child("protocol").string()
        let upstream = try node.child("upstream")
        guard !upstream.isMissing else { throw upstream.error("is required") }
        let allowGroups = try node.child("allow_groups")
        guard !allowGroups.isMissing else {
            throw allowGroups.error("is required: list the groups that may use this connection")
        }
        self.init(
            name: try node.child("name").string(),
            protocolName: protocolName,
            upstream: try UpstreamConfig(upstream, protocolName: protocolName),
            allowGroups: try allowGroups.strings(),
            policy: try ConnectionPolicy(node),
            masking: try Self.maskingRules(node.child("masking")),
            maskingStrict: try Self.maskingStrict(node.child("masking")),
            maxSession: try node.child("max_session").duration(
                default: identity.maxSession, in: IdentityConfig.maxSessionRange),
            maxStatementBytes: try node.child("max_statement_bytes").int(
                default: ConnectionConfig.defaultMaxStatementBytes, in: 1_024...(1 << 30) - 1),
            maxBodyBytes: try node.child("max_body_bytes").int(
                default: ConnectionConfig.defaultMaxBodyBytes, in: 0...(1 << 40)))
        try checkMaskingSelectors(node.child("masking"))
    }

    /// Columns name SQL results, paths JSON bodies: a rule of the other
    /// kind could never match, so it is refused rather than left inert.
    private func checkMaskingSelectors(_ node: ConfigNode) throws {
        guard let kind = ActionKind(protocol: protocolName) else { return }
        let rules = node.node?.mapping != nil ? try node.child("rules") : node
        for (rule, element) in zip(masking, try rules.elements()) {
            switch (rule.selector, kind) {
            case (.columns, .http), (.columns, .kubernetes):
                throw element.error("columns name SQL result columns; a \(protocolName) connection masks JSON values by paths (such as $..ssn)")
            case (.paths, .sql):
                throw element.error("paths name values of JSON bodies; a \(protocolName) connection masks columns")
            default:
                break
            }
        }
    }
}

extension ConnectionConfig {
    /// `masking:` is a list of rules, or `{ strict: true, rules: [...] }`.
    static func maskingRules(_ node: ConfigNode) throws -> [MaskingRule] {
        guard node.node?.mapping != nil else { return try node.elements().map(MaskingRule.init) }
        try node.checkKeys(["rules", "strict"])
        return try node.child("rules").elements().map(MaskingRule.init)
    }

    static func maskingStrict(_ node: ConfigNode) throws -> Bool {
        guard node.node?.mapping != nil else { return false }
        return try node.child("strict").oneOf(["true", "false"], default: "false") == "true"
    }
}

extension YamlError {
    var line: Int? {
        switch self {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _):
            return mark.line
        default:
            return nil
        }
    }
}
