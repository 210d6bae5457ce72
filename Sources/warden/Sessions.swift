import ArgumentParser
import Foundation
import Logging
import WardenCore

struct Sessions: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Recorded sessions.", subcommands: [List.self, Show.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List recent sessions, newest first.")
        @OptionGroup var options: ConfigOption
        @Option(help: "How many sessions to show.") var limit: Int = 50

        func run() async throws {
            let store = try await openStore(options)
            let sessions = try await store.sessions(limit: limit)
            try await store.close()
            print(SessionFormatting.table(sessions))
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one session and its statements.")
        @OptionGroup var options: ConfigOption
        @Argument(help: "The session id.") var id: String

        func run() async throws {
            let store = try await openStore(options)
            guard let session = try await store.session(id: id) else {
                try await store.close()
                throw Failure("no session with id '\(id)' in \(store.path)")
            }
            let statements = try await store.statements(sessionID: id)
            try await store.close()
            print(SessionFormatting.detail(session, statements: statements))
        }
    }

    static func openStore(_ options: ConfigOption) async throws -> RecordStore {
        let config = try options.load()
        guard FileManager.default.fileExists(atPath: config.store.sqlitePath) else {
            throw Failure("no store at \(config.store.sqlitePath) yet: nothing has been recorded")
        }
        return try await RecordStore.open(path: config.store.sqlitePath, logger: Logger(label: "warden"))
    }
}
