/// Collects the actions of one event, merging consecutive writes to the same
/// side so that messages produced together reach the host as one buffer.
struct ActionBuffer {
    private(set) var actions: [PostgresSessionAction] = []

    mutating func sendToClient(_ bytes: [UInt8]) {
        guard !bytes.isEmpty else { return }
        if case .sendToClient(var pending)? = actions.last {
            actions.removeLast()
            pending.append(contentsOf: bytes)
            actions.append(.sendToClient(pending))
        } else {
            actions.append(.sendToClient(bytes))
        }
    }

    mutating func sendToUpstream(_ bytes: [UInt8]) {
        guard !bytes.isEmpty else { return }
        if case .sendToUpstream(var pending)? = actions.last {
            actions.removeLast()
            pending.append(contentsOf: bytes)
            actions.append(.sendToUpstream(pending))
        } else {
            actions.append(.sendToUpstream(bytes))
        }
    }

    mutating func append(_ action: PostgresSessionAction) {
        switch action {
        case .sendToClient(let bytes): sendToClient(bytes)
        case .sendToUpstream(let bytes): sendToUpstream(bytes)
        default: actions.append(action)
        }
    }

    mutating func log(_ level: LogLevel, _ message: String) {
        actions.append(.log(level: level, message: message))
    }
}
