import Foundation

/// Record events folded into the fewest writes.
///
/// Under load a batch holds thousands of events, and a database round trip
/// per event would cost more than the statements being recorded. Most
/// statements start and finish within one batch: such a statement becomes one
/// complete row, and a session that opens and closes within one batch one
/// complete session row. What finishes a row written by an earlier batch is
/// kept as an update.
///
/// The final state equals applying the events one by one, in order: events of
/// one session arrive in order (started before finished, opened before ended),
/// and inserts are written before the updates that may refer to them.
struct RecordBatch {
    private(set) var sessions: [SessionRecord] = []
    private(set) var statements: [StatementRecord] = []
    /// Results of statements written by an earlier batch.
    private(set) var finishes: [StatementFinish] = []
    /// Ends of sessions written by an earlier batch.
    private(set) var sessionEnds: [(id: String, at: Date, reason: String?)] = []

    private var sessionIndex: [String: Int] = [:]
    private var statementIndex: [StatementKey: Int] = [:]

    init(_ events: [RecordEvent]) {
        for event in events { add(event) }
    }

    var isEmpty: Bool { sessions.isEmpty && statements.isEmpty && finishes.isEmpty && sessionEnds.isEmpty }

    private mutating func add(_ event: RecordEvent) {
        switch event {
        case .sessionStarted(let session):
            sessionIndex[session.id] = sessions.count
            sessions.append(session)
        case .sessionEnded(let id, let at, let reason):
            if let index = sessionIndex[id] {
                sessions[index].endedAt = at
                if sessions[index].status == "open" { sessions[index].status = "ended" }
                if let reason { sessions[index].reason = reason }
            } else {
                sessionEnds.append((id, at, reason))
            }
        case .statementStarted(let statement):
            statementIndex[StatementKey(sessionID: statement.sessionID, sequence: statement.sequence)] = statements.count
            statements.append(statement)
        case .statementFinished(let id, let sequence, let duration, let rows, let summary, let code, let message, let result):
            let finish = StatementFinish(
                sessionID: id, sequence: sequence, durationMilliseconds: duration, rows: rows, summary: summary,
                errorCode: code, errorMessage: message, result: result)
            if let index = statementIndex[StatementKey(sessionID: id, sequence: sequence)] {
                finish.apply(to: &statements[index])
            } else {
                finishes.append(finish)
            }
        }
    }
}

/// How a statement ended: the columns `statementFinished` fills in.
struct StatementFinish {
    var sessionID: String
    var sequence: Int
    var durationMilliseconds: Double
    var rows: Int
    var summary: String
    var errorCode: String?
    var errorMessage: String?
    var result: ResultTable?

    func apply(to statement: inout StatementRecord) {
        statement.durationMilliseconds = durationMilliseconds
        statement.rows = rows
        statement.summary = summary
        statement.errorCode = errorCode
        statement.errorMessage = errorMessage
        statement.result = result
    }
}

private struct StatementKey: Hashable {
    var sessionID: String
    var sequence: Int
}
