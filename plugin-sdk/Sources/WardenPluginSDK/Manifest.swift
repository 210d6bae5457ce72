import CWardenPlugin

/// What a plugin tells the host about itself before anything else of it runs.
///
/// The SDK fills in the ABI version and the toolchain identity; the author
/// names the plugin and states its capabilities.
public struct PluginManifest: Sendable {
    public enum Kind: UInt32, Sendable {
        case `protocol` = 1
        case masker = 2
    }

    public var name: String
    public var kind: Kind
    public var version: String
    public var description: String
    public var capabilities: Capabilities

    public init(name: String, kind: Kind, version: String, description: String, capabilities: Capabilities = []) {
        self.name = name
        self.kind = kind
        self.version = version
        self.description = description
        self.capabilities = capabilities
    }
}

/// Capability bits, mirroring `WARDEN_CAP_*` in the header.
public struct Capabilities: OptionSet, Sendable {
    public let rawValue: UInt64
    public init(rawValue: UInt64) { self.rawValue = rawValue }

    public static let clientTLSUpgrade = Capabilities(rawValue: 1 << 0)
    public static let upstreamTLSUpgrade = Capabilities(rawValue: 1 << 1)
    public static let masking = Capabilities(rawValue: 1 << 2)
    public static let cancelForwarding = Capabilities(rawValue: 1 << 3)
    /// ABI 1.1: wants ``Completion/decisionPending(_:approvalID:message:)``
    /// so that it can tell a waiting client about its approval.
    public static let approvalNotices = Capabilities(rawValue: 1 << 4)
    /// ABI 1.5: the session outlives an upstream connection that closes:
    /// the plugin gets ``Completion/upstreamClosed`` instead of
    /// ``ProtocolSession/closed(_:)`` and may open the upstream again.
    public static let upstreamReconnect = Capabilities(rawValue: 1 << 5)
}

/// The toolchain this code was compiled with, as the ABI header reports it.
///
/// Host and plugin compare it exactly: Swift has no stable ABI on Linux and
/// both share one Swift runtime in the process.
public var toolchainIdentity: String {
    String(cString: warden_toolchain_identity())
}
