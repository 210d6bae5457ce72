import Foundation

/// Reads the gateway-held upstream secrets once, at start, so that a
/// missing variable or file stops the start with its name.
enum UpstreamSecrets {
    /// What one connection presents upstream, its secrets read.
    struct Resolved: Sendable {
        /// The database password.
        var password: String?
        /// The whole `Authorization` value: `Bearer …` or `Basic …`.
        var authorization: String?
        /// Fixed headers, in the configuration's order.
        var headers: [(name: String, value: String)] = []

        /// What the plugin receives with an opened upstream (besides the
        /// connection's settings): `password`, `authorization`, and each
        /// fixed header as `header.NAME`.
        var pluginValues: [(String, String)] {
            var values: [(String, String)] = []
            if let password { values.append(("password", password)) }
            if let authorization { values.append(("authorization", authorization)) }
            values += headers.map { ("header.\($0.name)", $0.value) }
            return values
        }
    }

    static func resolve(_ config: WardenConfig) throws -> [String: Resolved] {
        var resolved: [String: Resolved] = [:]
        for (index, connection) in config.connections.enumerated() {
            let upstream = connection.upstream, key = "connections[\(index)].upstream"
            func read(_ source: SecretSource, _ field: String) throws -> String {
                try value(of: source, key: "\(key).\(field)", file: config.source)
            }
            var secrets = Resolved()
            if let password = upstream.password {
                secrets.password = try read(password, password.isEnvironment ? "password_env" : "password_file")
            }
            let credentials = upstream.credentials
            if let token = credentials.bearerToken {
                secrets.authorization = "Bearer " + (try read(token, "credentials.bearer_token"))
            }
            if let basic = credentials.basic {
                let password = try read(basic.password, "credentials.basic.password")
                secrets.authorization = "Basic " + Data("\(basic.user):\(password)".utf8).base64EncodedString()
            }
            for header in credentials.headers {
                secrets.headers.append((header.name, try read(header.value, "credentials.headers.\(header.name)")))
            }
            resolved[connection.name] = secrets
        }
        return resolved
    }

    /// A secret's value; a file's trailing line breaks are not part of it.
    /// A value with a line break inside would split a header: refused.
    private static func value(of source: SecretSource, key: String, file: String) throws -> String {
        let value: String
        switch source {
        case .environment(let variable):
            guard let text = ProcessInfo.processInfo.environment[variable] else {
                throw ConfigError(file: file, line: nil, key: key, message: "the environment variable \(variable) is not set")
            }
            value = text
        case .file(let path):
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw ConfigError(file: file, line: nil, key: key, message: "cannot read \(path)")
            }
            value = text.trimmingCharacters(in: .newlines)
        }
        guard !value.contains(where: { $0 == "\r" || $0 == "\n" || $0 == "\0" }) else {
            throw ConfigError(file: file, line: nil, key: key, message: "the secret holds a line break or NUL")
        }
        return value
    }
}

extension SecretSource {
    var isEnvironment: Bool {
        if case .environment = self { true } else { false }
    }
}
