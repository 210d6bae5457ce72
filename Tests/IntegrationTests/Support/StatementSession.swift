import Foundation
import Synchronization

/// One psql session through the gateway that sends statements one at a
/// time, each `SELECT '<name>_<n>'`, and notes how each ended (see
/// ``SentStatement``). Keeps running statements, however long each waits,
/// until told to stop: the traffic of a long-lived client.
///
/// Driven from one task at a time.
final class StatementSession: @unchecked Sendable {
    // @unchecked: `sent` is only touched by the task driving the session.
    let name: String
    private let psql: InteractiveCommand
    private(set) var sent: [SentStatement] = []

    init(_ gateway: GatewayProcess, token: String, name: String) throws {
        self.name = name
        psql = try gateway.interactivePsql(password: token)
    }

    /// Sends the next statement and waits until psql prints its value or an error.
    @discardableResult
    func run() -> SentStatement.Outcome {
        let value = "\(name)_\(sent.count + 1)"
        let errorsBefore = SentStatement.errorCount(psql.stderr)
        psql.send("SELECT '\(value)';")
        var outcome: SentStatement.Outcome?
        while outcome == nil {
            outcome = SentStatement.outcome(value: value, stdout: psql.stdout, stderr: psql.stderr, errorsBefore: errorsBefore)
            if outcome == nil && !psql.isRunning {
                outcome = .failed("psql exited: \(psql.stderr)")
            } else if outcome == nil {
                Thread.sleep(forTimeInterval: 0.02)
            }
        }
        sent.append(SentStatement(value: value, outcome: outcome!))
        return outcome!
    }

    /// Runs statements one after another, `pause` apart, until `stop` is set
    /// (the statement then running is finished); stops early if psql exits.
    func run(until stop: StopFlag, pause: TimeInterval) {
        while !stop.isSet && psql.isRunning {
            run()
            Thread.sleep(forTimeInterval: pause)
        }
    }

    /// Ends the session and returns psql's exit status.
    func finish() -> Int32 { psql.finish() }

    var stderr: String { psql.stderr }
}

/// Set once, from any thread, to end traffic loops.
final class StopFlag: Sendable {
    private let flag = Atomic(false)
    var isSet: Bool { flag.load(ordering: .acquiring) }
    func set() { flag.store(true, ordering: .releasing) }
}
