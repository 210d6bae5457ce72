/// What the upstream reported for one allowed statement, up to its ReadyForQuery.
struct StatementTracker: Equatable {
    private(set) var rows = 0
    private(set) var commandTags: [String] = []
    private(set) var error: StatementError?

    mutating func observe(_ frame: PostgresFrame) {
        switch frame.type {
        case BackendMessageType.dataRow:
            rows += 1
        case BackendMessageType.commandComplete:
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
        .statementFinished(rows: rows, commandTags: commandTags, error: error)
    }
}
