/// Why a client's request is refused before anything of it goes upstream.
/// Each becomes a gateway response with ``status`` and a closed connection:
/// once framing is in doubt, nothing later on the connection can be trusted.
public struct HTTPInputError: Error, Equatable, Sendable, CustomStringConvertible {
    /// 400, or 405, 413 and 417 where HTTP has a more precise word.
    public var status: Int
    /// For the client and the log; says what was wrong, never echoes the input.
    public var detail: String

    public init(status: Int = 400, _ detail: String) {
        self.status = status
        self.detail = detail
    }

    public var description: String { "\(status): \(detail)" }
}
