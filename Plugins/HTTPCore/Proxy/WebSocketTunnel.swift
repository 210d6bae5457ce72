import Crypto
import Foundation
import NIOCore
import NIOEmbedded
import NIOHTTP1
import NIOWebSocket
import WardenPluginSDK

/// A WebSocket after its 101: bytes pass both ways at once. The client's
/// side is decoded as it passes: bytes that are not masked WebSocket frames
/// (an HTTP request sent down a tunnel an upstream opened by mistake) end
/// the connection instead of reaching the upstream unjudged. The first
/// messages each way are recorded, within the capture limit.
struct WebSocketTunnel {
    let actionID: UInt64
    private var decoders: [Side: DecoderChannel] = [:]
    private(set) var messages: [[String?]] = []
    private var capturedBytes = 0
    private let captureLimit: Int
    private(set) var truncated = false

    init(actionID: UInt64, captureLimit: Int) {
        self.actionID = actionID
        self.captureLimit = captureLimit
        decoders[.client] = Self.decoder()
        if captureLimit > 0 { decoders[.upstream] = Self.decoder() }
    }

    private static func decoder() -> DecoderChannel {
        DecoderChannel(ByteToMessageHandler(WebSocketFrameDecoder(maxFrameSize: 1 << 24)))
    }

    /// Notes what `side` sent; false when the client sent something that is
    /// not a masked WebSocket frame.
    mutating func observe(_ bytes: UnsafeRawBufferPointer, from side: Side) -> Bool {
        guard let decoder = decoders[side]?.channel else { return true }
        var buffer = decoder.allocator.buffer(capacity: bytes.count)
        buffer.writeBytes(bytes)
        do {
            try decoder.writeInbound(buffer)
        } catch {
            decoders[side] = nil
            truncated = true
            return side != .client
        }
        while let frame = try? decoder.readInbound(as: WebSocketFrame.self) {
            // RFC 6455 §5.1: every frame a client sends is masked.
            if side == .client, frame.maskKey == nil { return false }
            if capturedBytes < captureLimit {
                note(frame, from: side)
            } else {
                truncated = true
            }
        }
        return true
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

    /// The `Sec-WebSocket-Accept` a server answers `key` with.
    static func accept(key: String) -> String {
        let digest = Insecure.SHA1.hash(data: Array((key.trimmingCharacters(in: " \t") + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").utf8))
        return Data(digest).base64EncodedString()
    }

    /// A close frame from the server's side: 1008 (policy violation) with `reason`.
    static func closeFrame(reason: String) -> [UInt8] {
        let payload = [UInt8(1008 >> 8), UInt8(1008 & 0xFF)] + Array(reason.utf8.prefix(120))
        return [0x88, UInt8(payload.count)] + payload
    }
}

extension HTTPProxySession {
    /// The upstream agreed to switch protocols: its 101 reaches the client,
    /// and from here on both sides' bytes pass through. Only a real
    /// WebSocket handshake counts (RFC 6455 §4.2.2: `Upgrade: websocket` and
    /// the accept value computed from the client's key); any other 101 would
    /// open a raw channel to the upstream.
    func switchProtocols(_ head: HTTPResponseHead) throws {
        guard case .forwarding(let actionID)? = exchange?.stage, let request = exchange?.head else { return }
        guard head.headers.first(name: "upgrade")?.lowercased() == "websocket",
              let key = request.headers.first(name: "sec-websocket-key"),
              head.headers["sec-websocket-accept"] == [WebSocketTunnel.accept(key: key)] else {
            return try upstreamFailed("the upstream answered 101 without completing a WebSocket handshake")
        }
        var headers: [(String, String)] = []
        let scoped = HeaderName.connectionScoped(in: head.headers)
        for (name, value) in head.headers {
            let canonical = HeaderName.canonical(name)
            if !scoped.contains(canonical), canonical != "content-length" { headers.append((name, value)) }
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
        guard tunnel?.observe(bytes, from: side) != false else {
            host.log(.warning, "the client sent bytes that are not masked WebSocket frames: closing the WebSocket")
            closeTunnel()
            closing = true
            return
        }
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
