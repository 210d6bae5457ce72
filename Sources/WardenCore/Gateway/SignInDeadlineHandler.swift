import NIOCore

/// Closes a client connection that has not signed in within `timeout` of
/// being accepted, whatever its protocol: a connection that only connects, or
/// stalls in its TLS handshake, must not hold a file descriptor for ever.
///
/// Sits in the client channel's pipeline from accept; the session calls
/// ``signedIn()`` once the plugin's sign-in (`authenticate`) succeeded, which
/// stops the clock and takes the handler out of the pipeline, so signed-in
/// traffic does not pass through it. On expiry `onExpiry` runs first (to
/// record why), then the channel is closed. `onFinished` runs exactly once,
/// when the connection stops signing in: signed in, expired or closed.
final class SignInDeadlineHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny

    private let timeout: TimeAmount
    private let onExpiry: () -> Void
    private var onFinished: (() -> Void)?
    private var timer: Scheduled<Void>?
    private var done = false
    private var context: ChannelHandlerContext?

    init(timeout: TimeAmount, onExpiry: @escaping () -> Void = {}, onFinished: @escaping () -> Void = {}) {
        self.timeout = timeout
        self.onExpiry = onExpiry
        self.onFinished = onFinished
    }

    /// Sign-in succeeded: the connection may stay as long as its session does.
    func signedIn() {
        stop()
        if let context {
            self.context = nil
            context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
        }
    }

    private func stop() {
        done = true
        timer?.cancel()
        timer = nil
        finish()
    }

    private func finish() {
        let finished = onFinished
        onFinished = nil
        finished?()
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if context.channel.isActive { start(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        start(context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        stop()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        stop()
        self.context = nil
    }

    private func start(_ context: ChannelHandlerContext) {
        guard timer == nil, !done else { return }
        let channel = context.channel
        timer = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) { [self] in
            guard !done else { return }
            done = true
            timer = nil
            onExpiry()
            finish()
            channel.close(promise: nil)
        }
    }
}
