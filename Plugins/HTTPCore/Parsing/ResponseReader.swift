import NIOCore
import NIOEmbedded
import NIOHTTP1

/// Turns the upstream's bytes into response parts with swift-nio's HTTP/1
/// decoder. It must be told each request it answers (``expect(_:)``): a
/// response to HEAD has a length but no body.
public struct ResponseReader {
    private let decoder = DecoderChannel(ByteToMessageHandler(HTTPResponseDecoder(
        leftOverBytesStrategy: .forwardBytes, informationalResponseStrategy: .forward)))
    var channel: EmbeddedChannel { decoder.channel }

    public init() {}

    /// The next response answers `head`.
    public func expect(_ head: HTTPRequestHead) {
        // The decoder watches outgoing request heads to learn their methods.
        _ = try? channel.writeOutbound(HTTPClientRequestPart.head(head))
        _ = try? channel.readOutbound(as: HTTPClientRequestPart.self)
    }

    /// Parses `bytes`; returns the parts they complete. Throws a
    /// description of what was wrong with the upstream's response.
    public func read(_ bytes: UnsafeRawBufferPointer) throws(UpstreamResponseError) -> [HTTPClientResponsePart] {
        var buffer = channel.allocator.buffer(capacity: bytes.count)
        buffer.writeBytes(bytes)
        do {
            try channel.writeInbound(buffer)
        } catch {
            throw UpstreamResponseError(detail: "\(error)")
        }
        return drain()
    }

    /// The upstream closed: a body delimited by the close ends here.
    public func readEnd() throws(UpstreamResponseError) -> [HTTPClientResponsePart] {
        do {
            _ = try channel.finish(acceptAlreadyClosed: true)
        } catch {
            throw UpstreamResponseError(detail: "the upstream closed the connection in the middle of a response (\(error))")
        }
        return drain()
    }

    /// After a protocol switch (101): the bytes the upstream sent past its
    /// response head, which belong to the new protocol.
    public func takeRemainder() -> ByteBuffer? {
        channel.removeDecoder(ByteToMessageHandler<HTTPResponseDecoder>.self)
    }

    private func drain() -> [HTTPClientResponsePart] {
        var parts: [HTTPClientResponsePart] = []
        while let part = try? channel.readInbound(as: HTTPClientResponsePart.self) {
            parts.append(part)
        }
        return parts
    }
}

/// The upstream's response is not valid HTTP/1.1.
public struct UpstreamResponseError: Error, Sendable {
    public var detail: String
}
