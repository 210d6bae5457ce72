import NIOHTTP1
import WardenPluginSDK

/// What differs between the plugins that share the HTTP proxy (HTTP,
/// Kubernetes): how a request is described to the policy, what a client may
/// not send, how the upstream learns who signed in, and in what form Warden
/// answers in its own name. ``PlainHTTPDialect`` is plain HTTP's.
public protocol HTTPDialect: Sendable {
    /// The kind of every action this dialect describes.
    var actionKind: Action.Kind { get }

    /// Describes a request for the policy; `excerpt` is the body's first
    /// bytes (at most ``HTTPProxyOptions/excerptBytes``), if any. Throws for
    /// a request the upstream could read otherwise than any description
    /// says: it is refused with the error's status.
    func action(for head: HTTPRequestHead, target: RequestTarget, excerpt: String?) throws(HTTPInputError) -> Action

    /// Why a signed-in person's request is refused (403) whatever the rules
    /// say, from its head and its target as read; nil when it is not.
    func refusal(of head: HTTPRequestHead, target: RequestTarget, subject: String) -> String?

    /// Whether a header a client sent (its ``HeaderName/canonical(_:)``
    /// name) is the gateway's to set, so that it is never forwarded.
    func ownsHeader(_ canonicalName: String) -> Bool

    /// The headers that tell the upstream who signed in.
    func identityHeaders(subject: String, groups: [String]) -> [(String, String)]

    /// A response Warden gives in its own name; `close` adds `Connection: close`.
    func answer(status: Int, detail: String, close: Bool, headers: [(String, String)]) -> [UInt8]

    /// The protocols (in lower case) a client may switch to with `Upgrade`.
    var upgradeProtocols: Set<String> { get }

    /// What watches a connection switched to `protocolName` (as the client
    /// wrote it) for the record; `request` is the request that switched and
    /// `response` the upstream's 101 (its chosen subprotocol, say).
    func upgradedStream(
        _ protocolName: String, request: HTTPRequestHead, response: HTTPResponseHead, captureLimit: Int
    ) -> any UpgradedStream

    /// What the dialect masks in the response to `action` whatever the
    /// connection's rules say (a Kubernetes Secret's values); nil for nothing.
    func masking(for action: Action) -> DialectMasking?

    /// Whether the connection's masking rules reach the messages of an
    /// upgraded connection. Plain HTTP says yes: a WebSocket on a masked
    /// connection is refused, since its messages would pass unmasked.
    var masksUpgradedStreams: Bool { get }
}

extension HTTPDialect {
    /// A description of a request that could not be described otherwise.
    func unclassified(_ text: String) -> Action {
        Action(kind: actionKind, classification: .unknown, text: text)
    }
}

/// Settings of one proxy session that its plugin chooses.
public struct HTTPProxyOptions: Sendable {
    /// How much of a request body the approver and the record see.
    public var excerptBytes = 1024
    /// Request bytes held while the policy decides before the client is paused.
    public var maxHeldBytes = 1 << 20

    public init() {}
}
