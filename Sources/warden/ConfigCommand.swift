import ArgumentParser
import WardenCore

struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config", abstract: "Work with configuration files.", subcommands: [Check.self])

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Validate a configuration file.")
        @OptionGroup var options: ConfigOption

        func run() throws {
            let config = try options.load()
            print("\(options.config): valid (\(config.listeners.count) listener(s), \(config.connections.count) connection(s))")
        }
    }
}
