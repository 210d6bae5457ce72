import NIOCore
import NIOWebSocket

/// WebSocket frames read from one direction of a switched connection as its
/// bytes pass, with swift-nio's decoder.
public final class WebSocketFrameReader {
    private let decoder = DecoderChannel(ByteToMessageHandler(WebSocketFrameDecoder(maxFrameSize: 1 << 24)))

    public init() {}

    /// The frames `bytes` complete. Throws when they are not WebSocket
    /// frames; the reader is of no further use then.
    public func read(_ bytes: UnsafeRawBufferPointer) throws -> [WebSocketFrame] {
        let channel = decoder.channel
        var buffer = channel.allocator.buffer(capacity: bytes.count)
        buffer.writeBytes(bytes)
        try channel.writeInbound(buffer)
        var frames: [WebSocketFrame] = []
        while let frame = try channel.readInbound(as: WebSocketFrame.self) { frames.append(frame) }
        return frames
    }
}
