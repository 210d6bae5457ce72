import Foundation

extension UpstreamConfig {
    /// `connections[].upstream`. A database connection names `host` and
    /// `port`; an HTTP or Kubernetes one a `url`, whose `https` means
    /// `verify-full` unless `tls` says otherwise.
    init(_ node: ConfigNode, protocolName: String) throws {
        try node.checkKeys([
            "host", "port", "database", "user", "password_env", "password_file", "tls", "ca_file", "url", "credentials",
        ])
        var password: SecretSource?
        if let variable = try node.child("password_env").optionalString() {
            password = .environment(variable)
        } else if let file = try node.child("password_file").optionalString() {
            password = .file(file)
        }
        // Without it the client's startup user would become the upstream
        // role: the client, not the gateway, would choose its privileges.
        let userNode = try node.child("user")
        let user = try userNode.optionalString()
        if ["postgres", "mysql"].contains(protocolName), user?.isEmpty ?? true {
            throw userNode.error("""
                is required for \(protocolName) connections: the gateway-held account the gateway signs in as upstream \
                (the client's own user name is never used)
                """)
        }
        let urlNode = try node.child("url")
        var host: String, port: Int, url: URL?, defaultTLS = UpstreamTLSMode.prefer
        if let text = try urlNode.optionalString() {
            guard let parsed = URL(string: text), let scheme = parsed.scheme?.lowercased(), ["http", "https"].contains(scheme),
                  let name = parsed.host, !name.isEmpty, parsed.user == nil, parsed.password == nil
            else {
                throw urlNode.error("expected an http or https URL without credentials, such as https://api.internal:8443/v1, found '\(text)'")
            }
            for key in ["host", "port"] where !(try node.child(key).isMissing) {
                throw try node.child(key).error("is taken from upstream.url; give one or the other")
            }
            url = parsed
            host = name
            port = parsed.port ?? (scheme == "https" ? 443 : 80)
            defaultTLS = scheme == "https" ? .verifyFull : .disable
        } else {
            host = try node.child("host").string()
            port = try node.child("port").int(in: 1...65535)
        }
        let tls = UpstreamTLSMode(rawValue: try node.child("tls").oneOf(
            UpstreamTLSMode.allCases.map(\.rawValue), default: defaultTLS.rawValue)) ?? defaultTLS
        if url?.scheme?.lowercased() == "https", tls == .disable {
            throw try node.child("tls").error("is disable, but upstream.url is https")
        }
        self.init(
            host: host, port: port, database: try node.child("database").optionalString(), user: user,
            password: password, tls: tls, caFile: try node.child("ca_file").optionalString(), url: url,
            credentials: try UpstreamCredentialsConfig(node.child("credentials")))
    }
}

extension UpstreamCredentialsConfig {
    init(_ node: ConfigNode) throws {
        self.init()
        guard !node.isMissing else { return }
        try node.checkKeys(["bearer_token", "basic", "headers", "client_certificate"])
        let bearer = try node.child("bearer_token")
        if !bearer.isMissing { bearerToken = try SecretSource(bearer) }
        let basicNode = try node.child("basic")
        if !basicNode.isMissing {
            try basicNode.checkKeys(["user", "password"])
            basic = (try basicNode.child("user").string(), try SecretSource(basicNode.child("password")))
        }
        if bearerToken != nil, basic != nil {
            throw basicNode.error("and bearer_token both set Authorization; give one of them")
        }
        for (name, value) in try node.child("headers").mapping() {
            guard HTTPHeaderName.isValid(name) else { throw value.error("is not a valid header name") }
            if name.lowercased() == "authorization", bearerToken != nil || basic != nil {
                throw value.error("would replace the Authorization that bearer_token or basic sets")
            }
            headers.append((name, try SecretSource(value)))
        }
        let certificateNode = try node.child("client_certificate")
        if !certificateNode.isMissing {
            try certificateNode.checkKeys(["certificate", "key"])
            clientCertificate = (try certificateNode.child("certificate").string(), try certificateNode.child("key").string())
        }
    }
}

extension SecretSource {
    /// `{ env: NAME }` or `{ file: PATH }`. A plain value is refused: the
    /// configuration is read by more people than the secrets should be.
    init(_ node: ConfigNode) throws {
        guard node.node?.mapping != nil else {
            throw node.error("must come from { env: NAME } or { file: PATH }, never from the configuration itself")
        }
        try node.checkKeys(["env", "file"])
        let env = try node.child("env").optionalString(), file = try node.child("file").optionalString()
        switch (env, file) {
        case (let variable?, nil): self = .environment(variable)
        case (nil, let path?): self = .file(path)
        default: throw node.error("give one of env or file")
        }
    }
}

/// RFC 9110 field names: a token of visible characters without separators.
enum HTTPHeaderName {
    static func isValid(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.allSatisfy { byte in
            (0x21...0x7E).contains(byte) && !"\"(),/:;<=>?@[\\]{}".utf8.contains(byte)
        }
    }
}
