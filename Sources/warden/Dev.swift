import ArgumentParser
import WardenCore

struct Dev: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Tools for local development.", subcommands: [Token.self])

    struct Token: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a token signed by the built-in development issuer.")

        @OptionGroup var options: ConfigOption

        @Option(help: "The token's subject (who it identifies).")
        var subject: String

        @Option(help: "Groups, comma-separated or repeated.")
        var groups: [String] = []

        @Option(help: "How long the token is valid: 90s, 15m, 1h.")
        var ttl: String = "1h"

        func run() throws {
            let config = try options.load()
            guard config.identity.devIssuerEnabled else {
                throw Failure("identity.dev_issuer is not enabled in \(options.config)")
            }
            guard let lifetime = DurationText.parse(ttl) else {
                throw ValidationError("--ttl: expected a duration such as 90s, 15m or 1h, found '\(ttl)'")
            }
            let issuer = try DevIssuer(keyFile: WardenServer.devIssuerKeyFile(config), audience: config.identity.audience)
            let groupList = groups.flatMap { $0.split(separator: ",").map(String.init) }
            print(try issuer.issue(subject: subject, groups: groupList, ttl: lifetime))
        }
    }
}
