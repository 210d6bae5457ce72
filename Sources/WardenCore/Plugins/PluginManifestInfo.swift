import CWardenPlugin

/// A plugin's manifest, copied out of the shared object.
public struct PluginManifestInfo: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case `protocol`
        case masker
    }

    public var path: String
    public var name: String
    public var kind: Kind
    public var version: String
    public var description: String
    public var abiMajor: Int
    public var abiMinor: Int
    public var toolchain: String
    public var capabilities: [String]
    /// The raw `WARDEN_CAP_*` bits, for the host's own checks.
    public var capabilityBits: UInt64 = 0

    func has(_ capability: UInt64) -> Bool { capabilityBits & capability != 0 }

    /// A human-readable rendering for `warden plugins inspect`.
    public var rendered: String {
        """
        file:          \(path)
        name:          \(name)
        kind:          \(kind.rawValue)
        version:       \(version)
        description:   \(description)
        abi:           \(abiMajor).\(abiMinor) (host \(WARDEN_ABI_MAJOR).\(WARDEN_ABI_MINOR))
        toolchain:     \(toolchain)
        capabilities:  \(capabilities.isEmpty ? "none" : capabilities.joined(separator: ", "))
        """
    }

    /// `WARDEN_CAP_*` bits the host acts on (Swift does not import the
    /// header's UINT64_C macros).
    static let approvalNoticesCapability: UInt64 = 1 << 4
    static let maskingCapability: UInt64 = 1 << 2
    static let cancelForwardingCapability: UInt64 = 1 << 3
    static let upstreamReconnectCapability: UInt64 = 1 << 5

    static func capabilityNames(_ bits: UInt64) -> [String] {
        let known: [(UInt64, String)] = [
            (1 << 0, "client-tls-upgrade"), (1 << 1, "upstream-tls-upgrade"),
            (maskingCapability, "masking"), (cancelForwardingCapability, "cancel-forwarding"),
            (approvalNoticesCapability, "approval-notices"), (upstreamReconnectCapability, "upstream-reconnect"),
        ]
        var names = known.filter { bits & $0.0 != 0 }.map(\.1)
        let unknown = bits & ~known.reduce(0) { $0 | $1.0 }
        if unknown != 0 { names.append("unknown(0x\(String(unknown, radix: 16)))") }
        return names
    }
}

/// The host's own toolchain identity, compared exactly with each plugin's.
public let hostToolchainIdentity = String(cString: warden_toolchain_identity())
