import CWardenPlugin
import Foundation

/// An initialized protocol plugin: its hooks and its plugin-wide state.
struct ProtocolPluginHandle: @unchecked Sendable {
    // @unchecked: the hooks table is immutable, and the plugin-wide state is
    // thread-safe by the ABI's contract.
    let manifest: PluginManifestInfo
    let plugin: UnsafeMutableRawPointer?
    /// The host's own copy of the plugin's table, at this host's size: hooks
    /// an older plugin lacks are NULL.
    let hooks: UnsafePointer<warden_protocol_hooks>

    /// Copies the `size` bytes the plugin's table has into a host-sized table
    /// that lives as long as the process (a plugin is never unloaded).
    static func hostCopy(of table: UnsafePointer<warden_protocol_hooks>) -> UnsafePointer<warden_protocol_hooks> {
        let copy = UnsafeMutablePointer<warden_protocol_hooks>.allocate(capacity: 1)
        copy.initialize(to: PluginStruct.copy(table, size: table.pointee.size, over: warden_protocol_hooks()))
        return UnsafePointer(copy)
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
        guard manifests.count < HostAPI.maximumPlugins else {
            throw PluginLoadError.malformed(
                path: manifest.path, detail: "a gateway loads at most \(HostAPI.maximumPlugins) plugins")
        }
        let table = HostAPI.table(slot: manifests.count, protocolName: manifest.kind == .protocol ? manifest.name : nil)
        let status = initialize(table, &instance, &reason)
        guard status == WARDEN_OK else {
            let text = reason.text.isEmpty ? "status \(status.rawValue)" : reason.text
            throw PluginLoadError.initFailed(path: manifest.path, name: manifest.name, reason: text)
        }
        if manifest.kind == .protocol {
            // A plugin of an older ABI minor has a shorter table: the hooks of
            // 1.0 are required, later ones are read only when its size covers them.
            guard let table = instance.protocol, PluginStruct.covers(table.pointee.size, \warden_protocol_hooks.session_close)
            else {
                throw PluginLoadError.malformed(path: manifest.path, detail: "incomplete protocol hooks table")
            }
            let hooks = ProtocolPluginHandle.hostCopy(of: table)
            guard hooks.pointee.session_open != nil, hooks.pointee.on_data != nil,
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
