import NIOCore
import NIOSSL
import NIOTLS

/// Connects one side's channel to its session: bytes, TLS events, closure,
/// and backpressure (reads are held while the plugin has that side paused).
final class SideHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// Each channel keeps its last receive buffer for the next read, so the
    /// first size is what an idle session holds per side. Statements and
    /// their small results fit in 512 bytes; reads that fill the buffer grow
    /// the next one, up to 64 KiB for bulk results.
    static let receiveBuffers = AdaptiveRecvByteBufferAllocator(minimum: 64, initial: 512, maximum: 65_536)

    private let bridge: NIOLoopBound<SessionBridge>
    private let side: SessionSide

    init(bridge: NIOLoopBound<SessionBridge>, side: SessionSide) {
        self.bridge = bridge
        self.side = side
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        bridge.value.received(unwrapInboundIn(data), from: side)
    }

    func channelInactive(context: ChannelHandlerContext) {
        bridge.value.tlsFinished(side, error: ChannelError.eof)
        bridge.value.sideClosed(side, channel: context.channel)
        context.fireChannelInactive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .handshakeCompleted = event as? TLSUserEvent {
            bridge.value.tlsFinished(side, error: nil)
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        bridge.value.tlsFinished(side, error: error)
        bridge.value.sideFailed(side, error)
        context.close(promise: nil)
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        bridge.value.writabilityChanged(side, writable: context.channel.isWritable)
        context.fireChannelWritabilityChanged()
    }

    func read(context: ChannelHandlerContext) {
        if bridge.value.mayRead(side) {
            context.read()
        }
    }
}
