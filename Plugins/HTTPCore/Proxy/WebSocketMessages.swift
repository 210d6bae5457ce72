import Crypto
import Foundation
import NIOCore
import NIOEmbedded
import NIOHTTP1
import NIOWebSocket
import WardenPluginSDK

/// A WebSocket after its 101, watched as its bytes pass both ways. The
/// client's side is decoded: bytes that are not masked WebSocket frames (an
/// HTTP request sent down a tunnel an upstream opened by mistake) end the
/// connection instead of reaching the upstream unjudged. The first messages
/// each way are recorded, within the capture limit.
public struct WebSocketMessages: UpgradedStream {
    private var readers: [Side: WebSocketFrameReader] = [:]
    private(set) var messages: [[String?]] = []
    private var capturedBytes = 0
    private let captureLimit: Int
    private(set) var truncated = false

    public init(captureLimit: Int) {
        self.captureLimit = captureLimit
        readers[.client] = WebSocketFrameReader()
        if captureLimit > 0 { readers[.upstream] = WebSocketFrameReader() }
    }

    /// Notes what `side` sent; false when the client sent something that is
    /// not a masked WebSocket frame.
    public mutating func observe(_ bytes: UnsafeRawBufferPointer, from side: Side) -> Bool {
        guard let reader = readers[side] else { return true }
        let frames: [WebSocketFrame]
        do {
            frames = try reader.read(bytes)
        } catch {
            readers[side] = nil
            truncated = true
            return side != .client
        }
        for frame in frames {
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

    public func finish() -> StreamRecord {
        StreamRecord(
            rows: UInt64(messages.count),
            table: captureLimit > 0 ? ResultTable(columns: ["direction", "opcode", "message"], rows: messages, truncated: truncated) : nil)
    }

    public func closing(reason: String) -> [UInt8]? { Self.closeFrame(reason: reason) }

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

