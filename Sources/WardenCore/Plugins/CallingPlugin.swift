import NIOPosix

/// Which plugin the current thread is running a callback of, so that the
/// host calls it makes reach only that plugin's sessions: session handles
/// are sequential, and another plugin's session may live on the same event
/// loop.
final class CallingPlugin: Sendable {
    let name: String

    private init(_ name: String) {
        self.name = name
    }

    private static let current = ThreadSpecificVariable<CallingPlugin>()

    /// The plugin whose callback runs on this thread now; nil outside callbacks.
    static var name: String? { current.currentValue?.name }

    /// Runs `body`, a callback into `plugin`, marked as such on this thread.
    static func during<R>(_ plugin: String, _ body: () -> R) -> R {
        let previous = current.currentValue
        current.currentValue = CallingPlugin(plugin)
        defer { current.currentValue = previous }
        return body()
    }
}
