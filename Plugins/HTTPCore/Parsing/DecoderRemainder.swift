import NIOCore
import NIOEmbedded

extension EmbeddedChannel {
    /// Removes the decoder `Handler` and returns what it had not parsed:
    /// after a protocol switch those bytes belong to the new protocol.
    func removeDecoder<Handler: ChannelHandler>(_ type: Handler.Type) -> ByteBuffer? {
        if let context = try? pipeline.syncOperations.context(handlerType: type) {
            _ = pipeline.syncOperations.removeHandler(context: context)
        }
        var rest: ByteBuffer?
        while var buffer = try? readInbound(as: ByteBuffer.self) {
            if rest == nil { rest = buffer } else { rest!.writeBuffer(&buffer) }
        }
        return rest
    }
}
