import ArgumentParser
import Foundation
import Logging
import WardenCore

/// `--config FILE`, shared by every command that needs the configuration.
struct ConfigOption: ParsableArguments {
    @Option(name: .long, help: "The YAML configuration file.")
    var config: String = "warden.yaml"

    func load() throws -> WardenConfig {
        do {
            return try WardenConfig.load(path: config)
        } catch let error as ConfigError {
            throw ValidationError("invalid configuration: \(error)")
        }
    }
}

enum CLILogging {
    /// Log lines go to standard error; the level comes from WARDEN_LOG_LEVEL (default info).
    static func bootstrap() -> Logger {
        let level = ProcessInfo.processInfo.environment["WARDEN_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        return Logger(label: "warden")
    }
}

/// Writes to standard error and exits non-zero, for refusals that are not usage errors.
struct Failure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
