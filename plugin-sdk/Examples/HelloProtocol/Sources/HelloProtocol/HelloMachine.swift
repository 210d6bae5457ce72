/// The hello line protocol as a pure state machine: bytes and host answers
/// in, effects out. No SDK, no I/O, so it is tested with plain values.
///
///     client: TOKEN <token> <connection>\n   →  HELLO <subject>\n  or  REFUSED <reason>\n (then close)
///     client: <any line>\n                   →  ALLOWED <line>\n   or  DENIED <reason>\n
public struct HelloMachine: Sendable {
    /// What the adapter must do on the machine's behalf, in order.
    public enum Effect: Sendable, Equatable {
        case reply(String)
        case authenticate(token: String, connection: String)
        case decide(line: String)
        case close
    }

    enum Phase: Sendable, Equatable {
        case awaitingToken, authenticating, ready, deciding(line: String), closed
    }

    /// Longest line accepted; a bounded buffer keeps a session's memory bounded.
    public static let maximumLineLength = 4096

    private(set) var phase: Phase = .awaitingToken
    private var buffer: [UInt8] = []

    public init() {}

    /// True while a host request is outstanding: the adapter pauses the client.
    public var isWaiting: Bool {
        switch phase {
        case .authenticating, .deciding: true
        case .awaitingToken, .ready, .closed: false
        }
    }

    /// Bytes from the client.
    public mutating func received(_ bytes: some Sequence<UInt8>) -> [Effect] {
        guard phase != .closed else { return [] }
        buffer.append(contentsOf: bytes)
        return nextLines()
    }

    /// The host validated (or refused) the token.
    public mutating func authenticated(subject: String) -> [Effect] {
        guard phase == .authenticating else { return fail("unexpected authentication") }
        phase = .ready
        return [.reply("HELLO \(subject)")] + nextLines()
    }

    public mutating func refused(_ reason: String) -> [Effect] {
        fail(reason)
    }

    /// The host's verdict on the pending line.
    public mutating func allowed() -> [Effect] {
        guard case .deciding(let line) = phase else { return fail("unexpected decision") }
        phase = .ready
        return [.reply("ALLOWED \(line)")] + nextLines()
    }

    public mutating func denied(_ reason: String) -> [Effect] {
        guard case .deciding = phase else { return fail("unexpected decision") }
        phase = .ready
        return [.reply("DENIED \(reason)")] + nextLines()
    }

    /// Handles buffered lines until one needs the host, or none is complete.
    private mutating func nextLines() -> [Effect] {
        var effects: [Effect] = []
        while !isWaiting, phase != .closed {
            guard let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) else {
                if buffer.count > Self.maximumLineLength { effects += fail("line too long") }
                break
            }
            var line = String(decoding: buffer[..<newline], as: UTF8.self)
            buffer.removeSubrange(...newline)
            if line.hasSuffix("\r") { line.removeLast() }
            guard line.utf8.count <= Self.maximumLineLength else {
                effects += fail("line too long")
                break
            }
            effects += handle(line)
        }
        return effects
    }

    private mutating func handle(_ line: String) -> [Effect] {
        switch phase {
        case .awaitingToken:
            let words = line.split(separator: " ", omittingEmptySubsequences: true)
            guard words.count == 3, words[0] == "TOKEN" else {
                return fail("expected TOKEN <token> <connection>")
            }
            phase = .authenticating
            return [.authenticate(token: String(words[1]), connection: String(words[2]))]
        case .ready:
            phase = .deciding(line: line)
            return [.decide(line: line)]
        case .authenticating, .deciding, .closed:
            return []
        }
    }

    /// Fail closed: tell the client why, then close.
    private mutating func fail(_ reason: String) -> [Effect] {
        phase = .closed
        buffer = []
        return [.reply("REFUSED \(reason)"), .close]
    }
}
