import ArgumentParser
import Foundation
import WardenCore

struct Plugins: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Inspect plugins.", subcommands: [Inspect.self])

    struct Inspect: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a plugin's manifest, or why this host would refuse it.")

        @Argument(help: "Plugin shared objects (.so).")
        var files: [String]

        func run() throws {
            var set = PluginSet()
            var failed = false
            for (index, file) in files.enumerated() {
                if index > 0 { print("") }
                do {
                    let library = try PluginLibrary.open(path: file)
                    try set.add(library)
                    print(library.manifest.rendered)
                } catch {
                    FileHandle.standardError.write(Data("error: \(error)\n".utf8))
                    failed = true
                }
            }
            if failed { throw ExitCode.failure }
        }
    }
}
