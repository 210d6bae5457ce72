import WardenPluginSDK

/// The protocol a connection switched to (a WebSocket, Kubernetes' SPDY
/// streams), watched as its bytes pass through both ways at once: what the
/// record keeps of it, and what the client may not send.
public protocol UpgradedStream {
    /// Notes bytes `side` sent, before they pass on. False when the client
    /// sent what the protocol does not allow: the connection then closes
    /// and the bytes go nowhere.
    mutating func observe(_ bytes: UnsafeRawBufferPointer, from side: Side) -> Bool

    /// What the record keeps of the stream, once it ended.
    func finish() -> StreamRecord

    /// Bytes that tell the client why the gateway ends the stream (a
    /// WebSocket close frame), when the protocol has a way to say it.
    func closing(reason: String) -> [UInt8]?
}

/// What an upgraded stream's record holds.
public struct StreamRecord {
    /// Messages or frames counted.
    public var rows: UInt64
    /// What was seen, for replay, within the session's capture limit.
    public var table: ResultTable?
    /// How the stream ended, when the protocol says (`exit code 3`).
    public var summary: String?

    public init(rows: UInt64, table: ResultTable?, summary: String? = nil) {
        self.rows = rows
        self.table = table
        self.summary = summary
    }
}

/// A switched connection and the allowed action it belongs to.
struct Tunnel {
    let actionID: UInt64
    var stream: any UpgradedStream
}

/// A switched protocol Warden does not read: the record keeps how many
/// bytes went each way.
public struct OpaqueStream: UpgradedStream {
    private var bytes: [Side: Int] = [:]

    public init() {}

    public mutating func observe(_ bytes: UnsafeRawBufferPointer, from side: Side) -> Bool {
        self.bytes[side, default: 0] += bytes.count
        return true
    }

    public func finish() -> StreamRecord {
        StreamRecord(rows: 0, table: ResultTable(
            columns: ["direction", "bytes"],
            rows: [["client → upstream", String(bytes[.client, default: 0])], ["upstream → client", String(bytes[.upstream, default: 0])]]))
    }

    public func closing(reason: String) -> [UInt8]? { nil }
}
