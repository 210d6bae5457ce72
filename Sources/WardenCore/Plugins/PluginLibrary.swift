import CWardenPlugin
import Foundation

/// One opened plugin shared object: its manifest, read and checked without
/// running anything but the plugin's entry function.
///
/// Plugins are loaded once and never unloaded (`dlclose` is never called):
/// Swift code cannot be unloaded safely.
public struct PluginLibrary: @unchecked Sendable {
    // @unchecked: the descriptor is static, immutable data inside the loaded object.
    public let manifest: PluginManifestInfo
    let descriptor: UnsafePointer<warden_plugin>

    /// Opens `path` and checks its manifest against this host.
    public static func open(path: String) throws(PluginLoadError) -> PluginLibrary {
        guard FileManager.default.fileExists(atPath: path) else { throw .missing(path: path) }
        guard let handle = dlopen(path, RTLD_NOW | RTLD_LOCAL) else {
            let detail = dlerror().map { String(cString: $0) } ?? "dlopen failed"
            throw .notSharedObject(path: path, detail: detail)
        }
        guard let symbol = dlsym(handle, WARDEN_PLUGIN_ENTRY_SYMBOL) else { throw .notWardenPlugin(path: path) }
        let entry = unsafeBitCast(symbol, to: warden_plugin_entry_fn.self)
        guard let descriptor = entry() else { throw .malformed(path: path, detail: "its entry function returned no descriptor") }
        return try PluginLibrary(path: path, descriptor: descriptor)
    }

    private init(path: String, descriptor: UnsafePointer<warden_plugin>) throws(PluginLoadError) {
        // Check sizes before touching fields: the plugin may be older or newer.
        guard descriptor.pointee.size >= MemoryLayout<warden_plugin>.size else {
            throw .malformed(path: path, detail: "descriptor of \(descriptor.pointee.size) bytes is too small")
        }
        guard let raw = descriptor.pointee.manifest else { throw .malformed(path: path, detail: "no manifest") }
        let manifest = raw.pointee
        let hostABI = "\(WARDEN_ABI_MAJOR).\(WARDEN_ABI_MINOR)"
        // The version fields sit at the front of every manifest, so they are
        // read before its size is trusted: an ABI 2 manifest may be any shape.
        let pluginABI = "\(manifest.abi_major).\(manifest.abi_minor)"
        guard manifest.abi_major == WARDEN_ABI_MAJOR else {
            throw .abiMajorMismatch(path: path, plugin: pluginABI, host: hostABI)
        }
        guard manifest.abi_minor <= WARDEN_ABI_MINOR else {
            throw .abiMinorTooNew(path: path, plugin: pluginABI, host: hostABI)
        }
        guard manifest.size >= MemoryLayout<warden_manifest>.size else {
            throw .malformed(path: path, detail: "manifest of \(manifest.size) bytes is too small for ABI \(pluginABI)")
        }
        let kind: PluginManifestInfo.Kind
        switch warden_plugin_kind(rawValue: manifest.kind) {
        case WARDEN_PLUGIN_PROTOCOL: kind = .protocol
        case WARDEN_PLUGIN_MASKER: kind = .masker
        default: throw .malformed(path: path, detail: "unknown plugin kind \(manifest.kind)")
        }
        let name = manifest.name.text
        guard !name.isEmpty else { throw .malformed(path: path, detail: "the manifest has no name") }
        let toolchain = manifest.swift_compiler.text
        guard toolchain == hostToolchainIdentity else {
            throw .toolchainMismatch(path: path, plugin: toolchain, host: hostToolchainIdentity)
        }
        self.descriptor = descriptor
        self.manifest = PluginManifestInfo(
            path: path, name: name, kind: kind, version: manifest.version.text,
            description: manifest.description.text, abiMajor: Int(manifest.abi_major),
            abiMinor: Int(manifest.abi_minor), toolchain: toolchain,
            capabilities: PluginManifestInfo.capabilityNames(manifest.capabilities),
            capabilityBits: manifest.capabilities)
    }
}

extension warden_bytes {
    /// Copies borrowed bytes into a String; invalid UTF-8 is repaired, not trusted.
    var text: String {
        guard let data, length > 0 else { return "" }
        return String(decoding: UnsafeBufferPointer(start: data, count: length), as: UTF8.self)
    }
}
