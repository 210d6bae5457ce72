import NIOHTTP1
import WardenPluginSDK

/// Describes a request for the policy: the part of the HTTP proxy that
/// differs between the HTTP and Kubernetes plugins.
public protocol RequestClassifier: Sendable {
    /// `excerpt` is the body's first bytes (at most ``HTTPProxyOptions/excerptBytes``), if any.
    func action(for head: HTTPRequestHead, target: RequestTarget, excerpt: String?) -> Action
}

/// Settings of one proxy session that its plugin chooses.
public struct HTTPProxyOptions: Sendable {
    /// How much of a request body the approver and the record see.
    public var excerptBytes = 1024
    /// Request bytes held while the policy decides before the client is paused.
    public var maxHeldBytes = 1 << 20

    public init() {}
}
