import NIOCore
import NIOEmbedded
import NIOHTTP1

/// Turns a client's bytes into request parts with swift-nio's HTTP/1 decoder
/// (llhttp), which refuses the framing ambiguities request smuggling relies
/// on: Content-Length with Transfer-Encoding, conflicting lengths, bad chunk
/// sizes, bytes that are not tokens in header names.
///
/// The decoder is a channel handler, so it runs in an in-memory pipeline of
/// its own; parts come out synchronously, on the session's thread.
public struct RequestReader {
    private let decoder = DecoderChannel(ByteToMessageHandler(HTTPRequestDecoder(leftOverBytesStrategy: .forwardBytes)))
    var channel: EmbeddedChannel { decoder.channel }
    /// Bytes fed since the current request began, while its head is incomplete.
    private var headBytes = 0
    private var inHead = true
    public let maxHeadBytes: Int

    public init(maxHeadBytes: Int = 64 << 10) {
        self.maxHeadBytes = maxHeadBytes
    }

    /// Parses `bytes`; returns the parts they complete.
    public mutating func read(_ bytes: UnsafeRawBufferPointer) throws(HTTPInputError) -> [HTTPServerRequestPart] {
        var buffer = channel.allocator.buffer(capacity: bytes.count)
        buffer.writeBytes(bytes)
        if inHead {
            // The decoder keeps a request line or header section it has not
            // finished; a head that never ends must not hold memory forever.
            headBytes += bytes.count
        }
        do {
            try channel.writeInbound(buffer)
        } catch {
            throw HTTPInputError(Self.describe(error))
        }
        var parts: [HTTPServerRequestPart] = []
        while let part = try? channel.readInbound(as: HTTPServerRequestPart.self) {
            switch part {
            case .head: inHead = false
            case .end: inHead = true; headBytes = 0
            case .body: break
            }
            parts.append(part)
        }
        if inHead, headBytes > maxHeadBytes {
            throw HTTPInputError("the request line and headers exceed \(maxHeadBytes) bytes")
        }
        return parts
    }

    /// After a protocol switch (101): the bytes the client sent past the
    /// upgrade request, which belong to the new protocol.
    public mutating func takeRemainder() -> ByteBuffer? {
        channel.removeDecoder(ByteToMessageHandler<HTTPRequestDecoder>.self)
    }

    static func describe(_ error: any Error) -> String {
        guard let error = error as? HTTPParserError else { return "the request is not valid HTTP/1.1" }
        switch error {
        case .invalidHeaderToken: return "a header name or value holds a character that is not allowed in it"
        case .unexpectedContentLength: return "Content-Length and Transfer-Encoding cannot both be sent"
        case .invalidContentLength: return "the Content-Length header is not one valid length"
        case .invalidChunkSize: return "a chunk size of the chunked body is not valid"
        case .invalidVersion: return "only HTTP/1.0 and HTTP/1.1 are served"
        case .invalidMethod: return "the request method is not valid"
        case .invalidURL, .invalidPath, .invalidQueryString, .invalidFragment, .invalidHost, .invalidPort:
            return "the request target is not valid"
        case .headerOverflow: return "the headers are too large"
        default: return "the request's line endings or framing are not valid HTTP/1.1"
        }
    }
}
