import WardenPluginSDK

/// The one symbol the host looks up. It returns the plugin's static descriptor.
@_cdecl("warden_plugin_entry")
public func wardenPluginEntry() -> UnsafeRawPointer {
    exportPlugin(AcmePlugin.self)
}

/// The masker plugin `acme`, with one masker, `acme.initials`:
///
/// ```yaml
/// masking:
///   - { columns: [name], masker: acme.initials }                                # Ada Lovelace → A. L.
///   - { columns: [signed_by], masker: acme.initials, options: { separator: "" } } # → A.L.
/// ```
///
/// The host calls ``makeMasker(named:options:)`` once per masking rule when it
/// starts; a thrown error stops the start and is shown with the rule's line.
/// Plugin-wide state: none, so it is trivially thread-safe.
public struct AcmePlugin: MaskerPlugin {
    public static let manifest = PluginManifest(
        name: "acme", kind: .masker, version: "0.1.0",
        description: "A teaching example: replaces names with their initials")

    /// Without a host, for tests: this plugin never calls the host.
    public init() {}

    public init(host: PluginHost) {
        self.init()
    }

    public func makeMasker(named name: String, options: [String: String]) throws -> any Masker {
        // The host passes the part after `acme.`; accept the full name too.
        switch name {
        case "initials", "acme.initials":
            return try InitialsMasker(options: options)
        default:
            throw AcmeError("unknown masker '\(name)'; the acme plugin has acme.initials")
        }
    }
}

/// Why a masker could not be made. The SDK hands `description` to the host,
/// which shows it to the operator.
public struct AcmeError: Error, Equatable, CustomStringConvertible {
    public let description: String

    init(_ description: String) {
        self.description = description
    }
}
