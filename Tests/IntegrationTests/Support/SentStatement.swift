import Foundation

/// A statement a test sent through the gateway, `SELECT '<value>'` with a
/// value no other statement of the test uses, and how its client saw it end:
/// the ledger a test checks the store against.
struct SentStatement: Sendable, Equatable, CustomStringConvertible {
    enum Outcome: Sendable, Equatable {
        /// It ran: the client printed the value.
        case ran
        /// Refused with SQLSTATE 58030: the store could not take its record.
        case storeUnavailable
        /// Anything else, with what the client printed on its error output.
        case failed(String)
    }

    var value: String
    var outcome: Outcome

    var text: String { "SELECT '\(value)'" }

    var description: String { "\(value): \(outcome)" }

    /// How psql's output for one `SELECT '<value>'` says it ended, if it has ended.
    ///
    /// - Parameter errorsBefore: how many errors psql had printed before the statement was sent.
    static func outcome(value: String, stdout: String, stderr: String, errorsBefore: Int) -> Outcome? {
        if stdout.split(separator: "\n").contains(Substring(value)) { return .ran }
        guard errorCount(stderr) > errorsBefore else { return nil }
        let latest = stderr.components(separatedBy: "ERROR:  ").last ?? ""
        return latest.hasPrefix("58030: the audit store is unavailable") ? .storeUnavailable : .failed(latest)
    }

    /// How many errors psql has printed (with `VERBOSITY=verbose`).
    static func errorCount(_ stderr: String) -> Int {
        stderr.components(separatedBy: "ERROR:  ").count - 1
    }
}
