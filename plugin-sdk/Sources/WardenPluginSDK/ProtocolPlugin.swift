/// A plugin that speaks one wire protocol.
///
/// The plugin-wide value is shared by every session, so it is `Sendable`.
/// Export it with one line:
///
/// ```swift
/// @_cdecl("warden_plugin_entry")
/// public func wardenPluginEntry() -> UnsafeRawPointer { exportPlugin(MyProtocol.self) }
/// ```
public protocol ProtocolPlugin: Sendable {
    /// Read by the host before anything else of the plugin runs.
    static var manifest: PluginManifest { get }

    /// Called once when the host loads the plugin. A thrown error refuses the
    /// load and its description is shown to the operator.
    init(host: PluginHost) throws

    /// A client connected: make the object that handles its session.
    func makeSession(context: SessionContext, info: SessionInfo) throws -> any ProtocolSession

    /// The host turns a client away before any session exists (ABI 1.3):
    /// the bytes it should read first, in this protocol (PostgreSQL: an
    /// ErrorResponse with SQLSTATE 53300 for too many connections), or nil
    /// to close without a word. `message` explains it to a person. Called on
    /// any thread, possibly thousands of times a second under attack: keep it
    /// cheap and use plugin-wide state only.
    func refusal(_ reason: ClientRefusal, message: String) -> [UInt8]?
}

extension ProtocolPlugin {
    public func refusal(_ reason: ClientRefusal, message: String) -> [UInt8]? { nil }
}

/// Why the host turns a client away before any session exists.
public struct ClientRefusal: RawRepresentable, Hashable, Sendable {
    public var rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// The host's limit on open client connections is reached.
    public static let tooManyConnections = ClientRefusal(rawValue: 1)  // WARDEN_REFUSAL_TOO_MANY_CONNECTIONS
}

/// One client session of a protocol plugin. The host calls it serially on
/// the session's event loop; it should be a thin adapter around a pure state
/// machine that turns bytes into actions.
///
/// A thrown error closes the session (fail closed) after the bytes of
/// ``failureMessage(for:)`` are sent to the client.
public protocol ProtocolSession: AnyObject {
    /// Bytes arrived from one side. They are borrowed: copy what you keep.
    func received(_ bytes: UnsafeRawBufferPointer, from side: Side) throws -> Flow

    /// An asynchronous host request finished.
    func completed(_ completion: Completion) throws -> Flow

    /// One side closed; the session ends after this call.
    func closed(_ side: Side)

    /// A protocol-native error to send the client when the session fails, if any.
    func failureMessage(for error: any Error) -> [UInt8]?

    /// ABI 1.3: the host is ending the session for a reason of its own (the
    /// token expired, the session reached its maximum length). Write the
    /// client a final protocol-native error if the protocol has one; the host
    /// then flushes and closes both sides, whatever this does. The default
    /// writes nothing.
    func ending(_ ending: SessionEnding)
}

extension ProtocolSession {
    public func closed(_ side: Side) {}
    public func failureMessage(for error: any Error) -> [UInt8]? { nil }
    public func ending(_ ending: SessionEnding) {}
}
