import CWardenPlugin

/// One side of a proxied session.
public enum Side: UInt32, Sendable {
    case client = 0
    case upstream = 1
}

/// What the host should do next with the side that delivered data.
public enum Flow: UInt32, Sendable {
    /// Keep delivering bytes.
    case `continue` = 0
    /// Stop delivering this side's bytes until `SessionContext.resume(_:)`.
    case pause = 1
    /// Close the session once pending writes are flushed.
    case close = 2
}

/// Status codes of host calls (`warden_status`).
public enum HostStatus: UInt32, Error, Sendable {
    case ok = 0
    case notFound = 1
    case badArgument = 2
    case unsupported = 3
    case denied = 4
    case unavailable = 5
    case `internal` = 6

    /// Any value the SDK does not know is treated as an internal failure:
    /// unknown answers never count as success.
    init(code: UInt32) {
        self = HostStatus(rawValue: code) ?? .internal
    }
}

/// The id of an asynchronous host request, echoed in its ``Completion``.
public typealias RequestID = UInt64

/// Log levels of the host's log.
public enum LogLevel: UInt32, Sendable {
    case debug = 0
    case info = 1
    case warning = 2
    case error = 3
}

/// Facts about a new session.
public struct SessionInfo: Sendable {
    /// Whether the listener can upgrade the client connection to TLS.
    public var clientTLSAvailable: Bool
    /// Whether the client connection is already TLS from its first byte.
    public var clientTLSActive: Bool
    public var listener: String
    public var clientAddress: String
    /// How many bytes of each statement's result to report in
    /// ``ActionResult/table`` for replay; 0 captures nothing. Always 0 from
    /// a host older than ABI 1.1, which cannot store results.
    public var resultCaptureLimit: Int
    /// ABI 1.4: the listener's `options` from the configuration, which the
    /// plugin documents (empty from an older host).
    public var options: [String: String] = [:]

    public init(
        clientTLSAvailable: Bool, clientTLSActive: Bool, listener: String, clientAddress: String,
        resultCaptureLimit: Int = 0
    ) {
        self.clientTLSAvailable = clientTLSAvailable
        self.clientTLSActive = clientTLSActive
        self.listener = listener
        self.clientAddress = clientAddress
        self.resultCaptureLimit = resultCaptureLimit
    }
}
