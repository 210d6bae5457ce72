import CWardenPlugin
import Foundation

/// An initialized protocol plugin: its hooks and its plugin-wide state.
struct ProtocolPluginHandle: @unchecked Sendable {
    // @unchecked: the hooks table is immutable, and the plugin-wide state is
    // thread-safe by the ABI's contract.
    let manifest: PluginManifestInfo
    let plugin: UnsafeMutableRawPointer?
    /// Read only up to the v1.0 hooks; later ones are below, when present.
    let hooks: UnsafePointer<warden_protocol_hooks>
    /// ABI 1.3: tells the plugin why the host ends a session; nil for a
    /// plugin built for an older minor, whose table ends before it.
    let onEnding: (@convention(c) (UnsafeMutableRawPointer?, UnsafePointer<warden_ending>?) -> Void)?

    init(manifest: PluginManifestInfo, plugin: UnsafeMutableRawPointer?, hooks: UnsafePointer<warden_protocol_hooks>) {
        self.manifest = manifest
        self.plugin = plugin
        self.hooks = hooks
        onEnding = PluginStruct.covers(hooks.pointee.size, \warden_protocol_hooks.on_ending) ? hooks.pointee.on_ending : nil
    }
}

/// The plugins a host runs with, found in the configured directories.
public struct PluginSet: Sendable {
    public private(set) var manifests: [PluginManifestInfo] = []
    var protocols: [String: ProtocolPluginHandle] = [:]
    var maskers: [String: MaskerPluginHandle] = [:]

    public init() {}

    /// Opens every `lib*.so` in `directories`, checks and initializes those
    /// that are Warden plugins. Shared objects that are not Warden plugins
    /// are skipped; any other refusal stops the load with its reason.
    public static func load(directories: [String], log: (String) -> Void) throws -> PluginSet {
        var set = PluginSet()
        for directory in directories {
            let files = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
            if files.isEmpty { log("plugin directory \(directory) is empty or missing") }
            for file in files.sorted() where file.hasPrefix("lib") && file.hasSuffix(".so") {
                let path = (directory as NSString).appendingPathComponent(file)
                do {
                    try set.add(PluginLibrary.open(path: path))
                } catch PluginLoadError.notWardenPlugin {
                    continue
                }
            }
        }
        return set
    }

    /// Initializes `library` and adds it; refuses a second plugin of the same name.
    public mutating func add(_ library: PluginLibrary) throws {
        let manifest = library.manifest
        if let first = manifests.first(where: { $0.name == manifest.name }) {
            // The same file reached through two directories is one plugin, not two.
            let samePath = URL(fileURLWithPath: first.path).resolvingSymlinksInPath()
                == URL(fileURLWithPath: manifest.path).resolvingSymlinksInPath()
            if samePath { return }
            throw PluginLoadError.duplicateName(name: manifest.name, first: first.path, second: manifest.path)
        }
        var instance = warden_plugin_instance()
        instance.size = UInt32(MemoryLayout<warden_plugin_instance>.size)
        var reason = warden_bytes()
        guard let initialize = library.descriptor.pointee.`init` else {
            throw PluginLoadError.malformed(path: manifest.path, detail: "no init function")
        }
        let status = initialize(HostAPI.table, &instance, &reason)
        guard status == WARDEN_OK else {
            let text = reason.text.isEmpty ? "status \(status.rawValue)" : reason.text
            throw PluginLoadError.initFailed(path: manifest.path, name: manifest.name, reason: text)
        }
        if manifest.kind == .protocol {
            // A plugin built for an older minor has a shorter table: it must
            // hold the v1.0 hooks, and later ones are read only if present.
            guard let hooks = instance.protocol, PluginStruct.covers(hooks.pointee.size, \warden_protocol_hooks.session_close),
                  hooks.pointee.session_open != nil, hooks.pointee.on_data != nil,
                  hooks.pointee.on_completion != nil, hooks.pointee.on_closed != nil,
                  hooks.pointee.session_close != nil
            else {
                throw PluginLoadError.malformed(path: manifest.path, detail: "incomplete protocol hooks table")
            }
            protocols[manifest.name] = ProtocolPluginHandle(manifest: manifest, plugin: instance.plugin, hooks: hooks)
        } else {
            guard let hooks = instance.masker, hooks.pointee.size >= MemoryLayout<warden_masker_hooks>.size,
                  hooks.pointee.create != nil, hooks.pointee.mask != nil, hooks.pointee.destroy != nil
            else {
                throw PluginLoadError.malformed(path: manifest.path, detail: "incomplete masker hooks table")
            }
            maskers[manifest.name] = MaskerPluginHandle(manifest: manifest, plugin: instance.plugin, hooks: hooks)
        }
        manifests.append(manifest)
    }

    func protocolPlugin(named name: String) -> ProtocolPluginHandle? {
        protocols[name]
    }

    func maskerPlugin(named name: String) -> MaskerPluginHandle? {
        maskers[name]
    }
}
