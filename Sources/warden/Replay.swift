import ArgumentParser
import WardenCore

/// `warden replay ID`: a finished (or running) session as it happened.
struct Replay: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print a recorded session back as it happened: statements, verdicts and results in order.")
    @OptionGroup var options: ConfigOption
    @Argument(help: "The session id (see 'warden sessions list').") var id: String

    func run() async throws {
        let store = try await Sessions.openStore(options)
        guard let session = try await store.session(id: id) else {
            try await store.close()
            throw Failure("no session with id '\(id)' in \(store.path)")
        }
        let statements = try await store.statements(sessionID: id)
        try await store.close()
        print(SessionReplay.render(session: session, statements: statements))
    }
}
