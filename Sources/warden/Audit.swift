import ArgumentParser
import Foundation
import Logging
import WardenCore

/// `warden audit`: check the hash-chained audit trail, and export it to a SIEM.
struct Audit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The tamper-evident audit trail.", subcommands: [Verify.self, Export.self])

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: """
                Check every event's hash and link, and that every recorded session and statement has its events and \
                says what they say; exit 2 naming the first tampered event, or each hole and changed record.
                """)
        @OptionGroup var options: ConfigOption

        func run() async throws {
            let log = try await Audit.openLog(options)
            let result = try await log.verify()
            try await log.close()
            switch result {
            case .intact(let count, let partly):
                print("audit trail intact: \(count) event\(count == 1 ? "" : "s") checked")
                Self.printPartlyChecked(partly)
            case .broken(let seq, let reason):
                print("audit trail BROKEN at event #\(seq): \(reason)")
                throw ExitCode(2)
            case .incomplete(let count, let holes, let partly):
                let more = holes.count == AuditLog.maximumHolesReported ? " (the first \(holes.count))" : ""
                let chain = "the chain of \(count) event\(count == 1 ? "" : "s") is intact"
                if holes.allSatisfy({ $0.kind == .recordDiffers }) {
                    print("records CHANGED: \(chain), but records do not say what their audit events say\(more):")
                } else {
                    print("audit trail has HOLES: \(chain), but records and audit events do not match\(more):")
                }
                for hole in holes {
                    print("  \(hole)")
                }
                Self.printPartlyChecked(partly)
                throw ExitCode(2)
            }
        }

        /// Records whose events come from an older warden could be compared
        /// only on what those events carry: say how many, so that an
        /// operator does not take them for fully checked.
        static func printPartlyChecked(_ count: Int) {
            guard count > 0 else { return }
            let records = count == 1 ? "1 record was compared with its event" : "\(count) records were compared with their events"
            print("""
                \(records) only in part: written by an older warden, such events do not carry all of a record (its start \
                time, a statement's reason, a session's subject)
                """)
        }
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print audit events as JSON lines, oldest first, for a SIEM.")
        @OptionGroup var options: ConfigOption
        @Option(help: "Only events at or after this time: 2026-11-25T10:00:00Z, or a duration back from now such as 1h.")
        var since: String?

        func run() async throws {
            var from: Date?
            if let since {
                guard let date = AuditSince.parse(since) else {
                    throw ValidationError("--since: expected \(AuditSince.expected), found '\(since)'")
                }
                from = date
            }
            let log = try await Audit.openLog(options)
            // On a terminal, characters a terminal would act on are written as JSON escapes, which
            // read as the same strings; to a file or a pipe the stored text goes verbatim (its hash).
            let terminal = isatty(STDOUT_FILENO) == 1
            // A page at a time: a trail can be far larger than memory.
            var after: Int64 = 0
            while true {
                let page = try await log.events(since: from, after: after, limit: 10_000)
                for event in page {
                    let line = AuditExport.line(event)
                    print(terminal ? AuditExport.escapingTerminalControls(line) : line)
                }
                guard let last = page.last else { break }
                after = last.seq
            }
            try await log.close()
        }
    }

    /// Opens an existing trail without creating one: a missing trail is reported, not recreated empty.
    static func openLog(_ options: ConfigOption) async throws -> AuditLog {
        let config = try options.load()
        do {
            return try await AuditLog.open(path: config.store.sqlitePath, logger: Logger(label: "warden"), create: false)
        } catch let error as AuditError {
            throw Failure("\(error): has the gateway run with this configuration?")
        }
    }
}
