import NIOCore
import NIOEmbedded

extension EmbeddedChannel {
    /// Removes the decoder `Handler` and returns what it had not parsed:
    /// after a protocol switch those bytes belong to the new protocol.
    func removeDecoder<Handler: ChannelHandler>(_ type: Handler.Type) -> ByteBuffer? {
        if let context = try? pipeline.syncOperations.context(handlerType: type) {
            _ = pipeline.syncOperations.removeHandler(context: context)
        }
        // The removal, and the decoder's hand-over of what it held, run as loop tasks.
        embeddedEventLoop.run()
        var rest: ByteBuffer?
        // The callers read every part before they switch: only bytes remain.
        while var buffer = try? readInbound(as: ByteBuffer.self) {
            if rest == nil { rest = buffer } else { rest!.writeBuffer(&buffer) }
        }
        return rest
    }
}
