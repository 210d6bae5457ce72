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
            var printed = false
            for file in files {
                do {
                    let library = try PluginLibrary.open(path: file)
                    try set.add(library)
                    if printed { print("") }
                    print(library.manifest.rendered)
                    printed = true
                } catch {
                    FileHandle.standardError.write(Data("error: \(error)\n".utf8))
                    failed = true
                }
            }
            if failed { throw ExitCode.failure }
        }
    }
}
