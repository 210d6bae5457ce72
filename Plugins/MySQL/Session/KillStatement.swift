/// `KILL [HARD|SOFT] [CONNECTION|QUERY] <id>`: the statement the mariadb
/// client sends on a second connection when the person presses Ctrl-C. The
/// id is the gateway's (from the greeting); the gateway turns it into the
/// upstream thread of that person's session. Any other form (comments,
/// `KILL QUERY ID`, `KILL USER`) is not this and goes to the policy.
struct KillStatement: Equatable {
    var connection: Bool
    var id: UInt32

    init?(_ text: [UInt8]) {
        var words = text.split(whereSeparator: { [0x20, 0x09, 0x0A, 0x0D].contains($0) })
            .map { String(decoding: $0, as: UTF8.self).uppercased() }
        if words.last == ";" { words.removeLast() }
        if let last = words.last, last.hasSuffix(";") { words[words.count - 1] = String(last.dropLast()) }
        guard words.first == "KILL" else { return nil }
        words.removeFirst()
        if words.first == "HARD" || words.first == "SOFT" { words.removeFirst() }
        connection = true
        if words.first == "QUERY" {
            connection = false
            words.removeFirst()
        } else if words.first == "CONNECTION" {
            words.removeFirst()
        }
        guard words.count == 1, let id = UInt32(words[0]) else { return nil }
        self.id = id
    }

    /// The operator's log line when the id is not the person's session.
    var refusalLog: String {
        "refused KILL of connection \(id): not a session of this person on this connection"
    }

    /// The same statement for the upstream thread.
    func upstreamText(thread: UInt32) -> String {
        "KILL \(connection ? "CONNECTION" : "QUERY") \(thread)"
    }
}
