import CWardenPlugin

/// A loaded masker plugin: makes configured masker instances.
struct MaskerPluginHandle: @unchecked Sendable {
    // @unchecked: the hooks table is immutable, and the plugin-wide state is
    // thread-safe by the ABI's contract.
    let manifest: PluginManifestInfo
    let plugin: UnsafeMutableRawPointer?
    let hooks: UnsafePointer<warden_masker_hooks>

    /// Creates an instance of `masker` with `options`; the plugin's reason on refusal.
    func makeInstance(masker: String, options: [String: String]) -> Result<MaskerInstance, MaskerRefusal> {
        var arena = ByteArena()
        let name = arena.add(masker)
        let ranges = options.sorted { $0.key < $1.key }.map { (arena.add($0.key), arena.add($0.value)) }
        var instance: UnsafeMutableRawPointer?
        var reason = warden_bytes()
        let status = arena.bytes.withUnsafeBufferPointer { base in
            let pairs = ranges.map { warden_pair(key: ByteArena.slice(base, $0.0), value: ByteArena.slice(base, $0.1)) }
            return pairs.withUnsafeBufferPointer { pairs in
                hooks.pointee.create?(plugin, ByteArena.slice(base, name), pairs.baseAddress, pairs.count, &instance, &reason)
                    ?? WARDEN_UNSUPPORTED
            }
        }
        guard status == WARDEN_OK, let instance else {
            return .failure(MaskerRefusal(reason: reason.text.isEmpty ? "status \(status.rawValue)" : reason.text))
        }
        return .success(MaskerInstance(hooks: hooks, instance: instance))
    }
}

struct MaskerRefusal: Error {
    var reason: String
}

/// One configured masker. Shared by every session of its connection: the ABI
/// requires `mask` to be thread-safe.
final class MaskerInstance: @unchecked Sendable {
    private let hooks: UnsafePointer<warden_masker_hooks>
    private let instance: UnsafeMutableRawPointer

    init(hooks: UnsafePointer<warden_masker_hooks>, instance: UnsafeMutableRawPointer) {
        self.hooks = hooks
        self.instance = instance
    }

    deinit { hooks.pointee.destroy?(instance) }

    /// Masks `fields`; `changed` receives each new value, borrowed for the call.
    func mask(_ fields: UnsafeBufferPointer<warden_field>, changed: (Int, warden_bytes) -> Void) -> warden_status {
        withoutActuallyEscaping(changed) { changed in
            var box = changed
            return withUnsafeMutablePointer(to: &box) { context in
                hooks.pointee.mask?(instance, fields.baseAddress, fields.count, { context, index, value in
                    context?.assumingMemoryBound(to: ((Int, warden_bytes) -> Void).self).pointee(index, value)
                }, context) ?? WARDEN_UNSUPPORTED
            }
        }
    }
}
