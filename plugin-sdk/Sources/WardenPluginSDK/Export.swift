import CWardenPlugin
import Synchronization

/// Builds the static descriptor that `warden_plugin_entry` returns for a
/// protocol plugin. Call it from the plugin's one exported function.
public func exportPlugin<P: ProtocolPlugin>(_ type: P.Type) -> UnsafeRawPointer {
    Registration.descriptor(manifest: P.manifest) { host in
        ProtocolPluginBox(plugin: try P(host: host), host: host)
    }
}

/// Builds the static descriptor for a masker plugin.
public func exportPlugin<P: MaskerPlugin>(_ type: P.Type) -> UnsafeRawPointer {
    Registration.descriptor(manifest: P.manifest) { host in
        MaskerPluginBox(plugin: try P(host: host), host: host)
    }
}

/// What a loaded plugin keeps alive for the life of the process.
protocol PluginInstance: AnyObject, Sendable {
    func fill(_ instance: inout warden_plugin_instance)
}

/// The plugin's one registration. A shared object holds exactly one plugin,
/// and this SDK is linked into it statically, so one global is enough.
enum Registration {
    typealias Factory = @Sendable (PluginHost) throws -> any PluginInstance

    private struct State: @unchecked Sendable {
        // @unchecked: the pointers are written once under the mutex and then only read.
        var descriptor: UnsafePointer<warden_plugin>?
        var factory: Factory?
        var instance: (any PluginInstance)?
    }

    private static let state = Mutex(State())

    static func descriptor(manifest: PluginManifest, factory: @escaping Factory) -> UnsafeRawPointer {
        state.withLock { state in
            if let descriptor = state.descriptor { return UnsafeRawPointer(descriptor) }
            let plugin = UnsafeMutablePointer<warden_plugin>.allocate(capacity: 1)
            plugin.initialize(to: warden_plugin(
                size: UInt32(MemoryLayout<warden_plugin>.size), reserved: 0,
                manifest: makeManifest(manifest), init: initTrampoline))
            state.descriptor = UnsafePointer(plugin)
            state.factory = factory
            return UnsafeRawPointer(plugin)
        }
    }

    /// The manifest lives for the life of the process: its strings are copied
    /// into memory that is never freed (a plugin is never unloaded).
    private static func makeManifest(_ manifest: PluginManifest) -> UnsafePointer<warden_manifest> {
        let pointer = UnsafeMutablePointer<warden_manifest>.allocate(capacity: 1)
        pointer.initialize(to: warden_manifest(
            size: UInt32(MemoryLayout<warden_manifest>.size),
            abi_major: UInt16(WARDEN_ABI_MAJOR), abi_minor: UInt16(WARDEN_ABI_MINOR),
            kind: manifest.kind.rawValue, reserved: 0,
            name: permanentBytes(manifest.name), version: permanentBytes(manifest.version),
            swift_compiler: permanentBytes(toolchainIdentity), description: permanentBytes(manifest.description),
            capabilities: manifest.capabilities.rawValue))
        return UnsafePointer(pointer)
    }

    fileprivate static func initialize(
        host: UnsafePointer<warden_host_api>, instance: UnsafeMutablePointer<warden_plugin_instance>
    ) throws -> Void {
        // The host table must be at least as large as the one this SDK was built
        // against: every function the SDK may call must be present.
        guard host.pointee.size >= MemoryLayout<warden_host_api>.size,
              host.pointee.abi_major == UInt16(WARDEN_ABI_MAJOR)
        else {
            throw InitError("the host's API table is older than this plugin's SDK (ABI \(WARDEN_ABI_MAJOR).\(WARDEN_ABI_MINOR))")
        }
        let made: any PluginInstance = try state.withLock { state in
            if let existing = state.instance { return existing }
            guard let factory = state.factory else { throw InitError("plugin was initialized before it was exported") }
            let made = try factory(PluginHost(api: host))
            state.instance = made
            return made
        }
        made.fill(&instance.pointee)
    }
}

struct InitError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

private let initTrampoline: @convention(c) (
    UnsafePointer<warden_host_api>?, UnsafeMutablePointer<warden_plugin_instance>?, UnsafeMutablePointer<warden_bytes>?
) -> warden_status = { host, instance, reason in
    guard let host, let instance else { return WARDEN_BAD_ARGUMENT }
    do {
        try Registration.initialize(host: host, instance: instance)
        return WARDEN_OK
    } catch {
        reason?.pointee = permanentBytes(String(describing: error))
        return WARDEN_INTERNAL
    }
}
