import ArgumentParser

/// The `warden` command line: the gateway itself and the tools around it.
@main
struct Warden: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "warden",
        abstract: "An access gateway for PostgreSQL and other protocols: OIDC sign-in, gateway-held credentials, recorded sessions.",
        subcommands: [Serve.self, Plugins.self, Dev.self, Sessions.self, Replay.self, Audit.self, Approvals.self, ConfigCommand.self, Kube.self])
}
