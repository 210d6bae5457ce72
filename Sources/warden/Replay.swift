import ArgumentParser
import WardenCore

/// `warden replay ID`: a finished (or running) session as it happened.
struct Replay: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print a recorded session back as it happened: statements, verdicts and results in order.",
        discussion: """
            With --format asciicast, writes a terminal stream the session recorded (a Kubernetes exec or \
            attach) as asciicast v2, which asciinema and its player play: the first one, or the action --action names.
            """)
    @OptionGroup var options: ConfigOption
    @Argument(help: "The session id (see 'warden sessions list').") var id: String

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, asciicast
    }

    @Option(help: "text (the default) or asciicast.") var format: Format = .text
    @Option(help: "With --format asciicast: the action's number in the session (#N in the text replay).") var action: Int?

    func run() async throws {
        let store = try await Sessions.openStore(options)
        guard let session = try await store.session(id: id) else {
            try await store.close()
            throw Failure("no session with id '\(id)' in \(store.path)")
        }
        let statements = try await store.statements(sessionID: id)
        try await store.close()
        switch format {
        case .text:
            print(SessionReplay.render(session: session, statements: statements))
        case .asciicast:
            let streams = statements.sorted { $0.sequence < $1.sequence }.filter { action == nil || $0.sequence == action }
            guard let stream = streams.first(where: { (try? Asciicast.write($0)) != nil }) ?? streams.first else {
                throw Failure("session \(id) has no action #\(action ?? 0)")
            }
            do {
                print(try Asciicast.write(stream), terminator: "")
            } catch {
                throw Failure("session \(id): \(error)")
            }
        }
    }
}
