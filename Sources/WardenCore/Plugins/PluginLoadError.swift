/// Why a plugin was refused. Every case names the file and the reason, so an
/// operator reading the log knows what to fix.
public enum PluginLoadError: Error, CustomStringConvertible, Sendable {
    case missing(path: String)
    case notSharedObject(path: String, detail: String)
    case notWardenPlugin(path: String)
    case malformed(path: String, detail: String)
    case abiMajorMismatch(path: String, plugin: String, host: String)
    case abiMinorTooNew(path: String, plugin: String, host: String)
    case toolchainMismatch(path: String, plugin: String, host: String)
    case initFailed(path: String, name: String, reason: String)
    case duplicateName(name: String, first: String, second: String)
    case notFound(name: String, searched: [String])

    public var description: String {
        switch self {
        case .missing(let path):
            return "plugin \(path): no such file"
        case .notSharedObject(let path, let detail):
            return "plugin \(path): not a loadable shared object (\(detail))"
        case .notWardenPlugin(let path):
            return "plugin \(path): not a Warden plugin: it does not export 'warden_plugin_entry'"
        case .malformed(let path, let detail):
            return "plugin \(path): malformed Warden plugin: \(detail)"
        case .abiMajorMismatch(let path, let plugin, let host):
            return "plugin \(path): built for plugin ABI \(plugin), but this host speaks ABI \(host); rebuild it against this host's plugin-sdk"
        case .abiMinorTooNew(let path, let plugin, let host):
            return "plugin \(path): built for plugin ABI \(plugin), newer than this host's \(host); upgrade the host or rebuild the plugin against an older plugin-sdk"
        case .toolchainMismatch(let path, let plugin, let host):
            return "plugin \(path): built with a different Swift toolchain (plugin: \(plugin); host: \(host)); Swift plugins must be built with exactly the host's toolchain"
        case .initFailed(let path, let name, let reason):
            return "plugin \(path) (\(name)): initialization failed: \(reason)"
        case .duplicateName(let name, let first, let second):
            return "plugin name '\(name)' is provided twice: by \(first) and by \(second); remove one of them"
        case .notFound(let name, let searched):
            return "no plugin named '\(name)' in \(searched.isEmpty ? "(no directories)" : searched.joined(separator: ", "))"
        }
    }
}
