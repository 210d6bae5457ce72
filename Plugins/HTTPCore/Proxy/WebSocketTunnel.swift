import NIOCore
import NIOEmbedded
import NIOHTTP1
import NIOWebSocket
import WardenPluginSDK

/// A WebSocket after its 101: bytes pass both ways untouched and at once;
/// a copy of each side is decoded into frames so that the record keeps the
/// first messages (within the capture limit). Decoding only observes: a
/// frame it cannot read stops the recording, never the relay.
struct WebSocketTunnel {
    let actionID: UInt64
    private var observers: [Side: EmbeddedChannel] = [:]
    private(set) var messages: [[String?]] = []
    private var capturedBytes = 0
    private let captureLimit: Int
    private(set) var truncated = false

    init(actionID: UInt64, captureLimit: Int) {
        self.actionID = actionID
        self.captureLimit = captureLimit
        guard captureLimit > 0 else { return }
        for side in [Side.client, .upstream] {
            observers[side] = EmbeddedChannel(handler: ByteToMessageHandler(WebSocketFrameDecoder(maxFrameSize: 1 << 24)))
        }
    }

    /// Notes what `side` sent.
    mutating func observe(_ bytes: UnsafeRawBufferPointer, from side: Side) {
        guard let observer = observers[side] else { return }
        guard capturedBytes < captureLimit else {
            truncated = true
            observers[side] = nil
            return
        }
        var buffer = observer.allocator.buffer(capacity: bytes.count)
        buffer.writeBytes(bytes)
        do {
            try observer.writeInbound(buffer)
        } catch {
            observers[side] = nil
            truncated = true
            return
        }
        while let frame = try? observer.readInbound(as: WebSocketFrame.self) {
            note(frame, from: side)
        }
    }

    private mutating func note(_ frame: WebSocketFrame, from side: Side) {
        let direction = side == .client ? "client → upstream" : "upstream → client"
        var data = frame.unmaskedData
        let room = max(captureLimit - capturedBytes, 0)
        let text: String
        switch frame.opcode {
        case .text, .continuation:
            text = data.readString(length: min(data.readableBytes, room)) ?? ""
        case .binary:
            text = "(\(data.readableBytes) bytes)"
        case .connectionClose:
            text = "close" + (data.readInteger(as: UInt16.self).map { " \($0)" } ?? "")
        default:
            return  // pings and pongs keep the connection, they say nothing
        }
        if frame.opcode != .binary, frame.unmaskedData.readableBytes > room { truncated = true }
        capturedBytes += text.utf8.count + 1
        messages.append([direction, Self.name(frame.opcode), text])
    }

    private static func name(_ opcode: WebSocketOpcode) -> String {
        switch opcode {
        case .text: "text"
        case .binary: "binary"
        case .continuation: "continuation"
        case .connectionClose: "close"
        default: "other"
        }
    }

    var table: ResultTable? {
        captureLimit > 0 ? ResultTable(columns: ["direction", "opcode", "message"], rows: messages, truncated: truncated) : nil
    }

    /// A close frame from the server's side: 1008 (policy violation) with `reason`.
    static func closeFrame(reason: String) -> [UInt8] {
        let payload = [UInt8(1008 >> 8), UInt8(1008 & 0xFF)] + Array(reason.utf8.prefix(120))
        return [0x88, UInt8(payload.count)] + payload
    }
}

extension HTTPProxySession {
    /// The upstream agreed to switch protocols: its 101 reaches the client,
    /// and from here on both sides' bytes pass through.
    func switchProtocols(_ head: HTTPResponseHead) throws {
        guard case .forwarding(let actionID)? = exchange?.stage else { return }
        var headers: [(String, String)] = []
        for (name, value) in head.headers where !["connection", "upgrade", "transfer-encoding", "content-length"]
            .contains(HeaderName.canonical(name)) {
            headers.append((name, value))
        }
        headers.append(("Connection", "Upgrade"))
        headers.append(("Upgrade", head.headers.first(name: "upgrade") ?? "websocket"))
        exchange?.response.status = 101
        exchange?.response.reason = head.status.reasonPhrase
        exchange?.capture.responseHead(headers)
        try host.write(WireText.responseHead(status: 101, reason: head.status.reasonPhrase, headers: headers), to: .client)
        tunnel = WebSocketTunnel(actionID: actionID, captureLimit: info.resultCaptureLimit)
        host.log(.info, "WebSocket opened")
        if let rest = responses.takeRemainder() {
            try rest.withUnsafeReadableBytes { try relay($0, from: .upstream) }
        }
        if let rest = requests.takeRemainder() {
            try rest.withUnsafeReadableBytes { try relay($0, from: .client) }
        }
    }

    func relay(_ bytes: UnsafeRawBufferPointer, from side: Side) throws {
        tunnel?.observe(bytes, from: side)
        try host.write(bytes, to: side == .client ? .upstream : .client)
    }

    /// The WebSocket ended: its record holds the messages seen.
    func closeTunnel() {
        guard let tunnel else { return }
        self.tunnel = nil
        try? host.record(ActionResult(
            actionID: tunnel.actionID, rows: UInt64(tunnel.messages.count), summary: "101 Switching Protocols",
            table: tunnel.table))
    }
}
