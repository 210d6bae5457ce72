import ArgumentParser
import WardenCore

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the gateway until SIGTERM or SIGINT.")

    @OptionGroup var options: ConfigOption

    @Option(help: "Seconds to let open sessions finish after a shutdown signal.")
    var drainSeconds: Int = 10

    func run() async throws {
        let logger = CLILogging.bootstrap()
        let config = try options.load()
        do {
            try await WardenServer.run(config: config, logger: logger, drainTimeout: .seconds(drainSeconds))
        } catch let error as PluginLoadError {
            throw Failure("cannot start: \(error)")
        } catch let error as ConfigError {
            throw Failure("invalid configuration: \(error)")
        }
    }
}
