import NIOCore

/// Turns away a client connection accepted beyond `limits.max_connections`,
/// before any session exists: it sends the protocol-native error the
/// listener's plugin wrote for it (PostgreSQL: `FATAL 53300`), if any, then
/// closes.
///
/// Closing with unread client bytes would make the kernel answer with a
/// reset, which can discard the error before the client reads it. So, when
/// ``ConnectionSlots`` allows it, the connection lingers: its output is
/// shut after the error, what the client sends is read and dropped, and it
/// is closed when the client closes or after ``lingerTime``, whichever comes
/// first. Past the linger limit it is closed at once.
final class ConnectionRefusal: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny

    /// The longest a refused connection stays open to be read.
    static let lingerTime = TimeAmount.seconds(1)

    private let message: [UInt8]?
    private let linger: Bool
    private let onClose: () -> Void
    private var timer: Scheduled<Void>?

    init(message: [UInt8]?, linger: Bool, onClose: @escaping () -> Void) {
        self.message = message
        self.linger = linger
        self.onClose = onClose
    }

    func handlerAdded(context: ChannelHandlerContext) {
        let channel = context.channel
        let loop = context.eventLoop.assumeIsolated()
        channel.closeFuture.assumeIsolated().whenComplete { [self] _ in
            timer?.cancel()
            onClose()
        }
        let sent: EventLoopFuture<Void>
        if let message {
            sent = context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(bytes: message)))
        } else {
            sent = context.eventLoop.makeSucceededVoidFuture()
        }
        guard linger else {
            sent.assumeIsolated().whenComplete { _ in channel.close(promise: nil) }
            return
        }
        sent.assumeIsolated().whenComplete { _ in channel.close(mode: .output, promise: nil) }
        timer = loop.scheduleTask(in: Self.lingerTime) { channel.close(promise: nil) }
    }

    typealias OutboundOut = ByteBuffer

    /// What the client sends is read and dropped.
    func channelRead(context: ChannelHandlerContext, data: NIOAny) {}
}
