import Foundation

/// Reads the gateway-held upstream passwords once, at start, so that a
/// missing variable or file stops the start with its name.
enum UpstreamSecrets {
    static func resolve(_ config: WardenConfig) throws -> [String: String] {
        var passwords: [String: String] = [:]
        for (index, connection) in config.connections.enumerated() {
            switch connection.upstream.password {
            case nil:
                continue
            case .environment(let variable):
                guard let value = ProcessInfo.processInfo.environment[variable] else {
                    throw ConfigError(file: config.source, line: nil, key: "connections[\(index)].upstream.password_env",
                                      message: "the environment variable \(variable) is not set")
                }
                passwords[connection.name] = value
            case .file(let path):
                guard let value = try? String(contentsOfFile: path, encoding: .utf8) else {
                    throw ConfigError(file: config.source, line: nil, key: "connections[\(index)].upstream.password_file",
                                      message: "cannot read \(path)")
                }
                passwords[connection.name] = value.trimmingCharacters(in: .newlines)
            }
        }
        return passwords
    }
}
