/// What the upstream reported for one allowed statement, up to its ReadyForQuery.
struct StatementTracker: Equatable {
    /// The host's id for the statement, from its verdict.
    let actionID: UInt64
    private(set) var rows = 0
    private(set) var commandTags: [String] = []
    private(set) var error: StatementError?
    /// The result as the client received it, for replay.
    private var capture: ResultCapture

    /// - Parameter resultCaptureLimit: bytes of result values to keep for replay; 0 keeps none.
    init(actionID: UInt64 = 0, resultCaptureLimit: Int = 0) {
        self.actionID = actionID
        capture = ResultCapture(limit: resultCaptureLimit)
    }

    mutating func observe(_ frame: PostgresFrame) {
        switch frame.type {
        case BackendMessageType.rowDescription:
            capture.rowDescription(frame.body)
        case BackendMessageType.dataRow:
            // Counted whether or not the capture still keeps rows.
            rows += 1
            capture.dataRow(frame.body)
        case BackendMessageType.commandComplete, BackendMessageType.portalSuspended:
            var reader = ByteReader(frame.body)
            if let tag = reader.readCStringBytes() { commandTags.append(String(decoding: tag, as: UTF8.self)) }
        case BackendMessageType.errorResponse:
            // The first error is the cause; later ones are usually consequences.
            if error == nil, let fields = ErrorFields(body: frame.body) {
                error = StatementError(code: fields.code, message: fields.message)
            }
        default:
            break
        }
    }

    var finishedAction: PostgresSessionAction {
        .statementFinished(rows: rows, commandTags: commandTags, error: error, result: capture.table, actionID: actionID)
    }
}
