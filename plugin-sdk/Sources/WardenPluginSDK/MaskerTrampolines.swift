import CWardenPlugin

/// Keeps a masker plugin alive and hands the host its hooks.
final class MaskerPluginBox: PluginInstance {
    let plugin: any MaskerPlugin
    let host: PluginHost

    init(plugin: any MaskerPlugin, host: PluginHost) {
        self.plugin = plugin
        self.host = host
    }

    func fill(_ instance: inout warden_plugin_instance) {
        instance.plugin = Unmanaged.passRetained(self).toOpaque()
        instance.masker = maskerHooks
    }
}

/// A configured masker as the host holds it.
final class MaskerBox: Sendable {
    let masker: any Masker
    init(masker: any Masker) { self.masker = masker }
}

// Immutable after its one-time initialization; the host only reads it.
nonisolated(unsafe) private let maskerHooks: UnsafePointer<warden_masker_hooks> = {
    let hooks = UnsafeMutablePointer<warden_masker_hooks>.allocate(capacity: 1)
    hooks.initialize(to: warden_masker_hooks(
        size: UInt32(MemoryLayout<warden_masker_hooks>.size), reserved: 0,
        create: createMasker, mask: maskBatch, destroy: destroyMasker))
    return UnsafePointer(hooks)
}()

private let createMasker: @convention(c) (
    UnsafeMutableRawPointer?, warden_bytes, UnsafePointer<warden_pair>?, Int,
    UnsafeMutablePointer<UnsafeMutableRawPointer?>?, UnsafeMutablePointer<warden_bytes>?
) -> warden_status = { plugin, name, options, optionCount, instance, reason in
    guard let plugin, let instance else { return WARDEN_BAD_ARGUMENT }
    let box = Unmanaged<MaskerPluginBox>.fromOpaque(plugin).takeUnretainedValue()
    var settings: [String: String] = [:]
    for pair in borrowedArray(options, optionCount) {
        settings[pair.key.string] = pair.value.string
    }
    do {
        let masker = try box.plugin.makeMasker(named: name.string, options: settings)
        instance.pointee = Unmanaged.passRetained(MaskerBox(masker: masker)).toOpaque()
        return WARDEN_OK
    } catch {
        reason?.pointee = permanentBytes(String(describing: error))
        return WARDEN_BAD_ARGUMENT
    }
}

private let maskBatch: @convention(c) (
    UnsafeMutableRawPointer?, UnsafePointer<warden_field>?, Int, warden_mask_sink?, UnsafeMutableRawPointer?
) -> warden_status = { instance, fields, count, sink, sinkContext in
    guard let instance, let sink else { return WARDEN_BAD_ARGUMENT }
    let box = Unmanaged<MaskerBox>.fromOpaque(instance).takeUnretainedValue()
    let batch = borrowedArray(fields, count).map { field in
        Field(name: field.name.string, source: field.source.string, typeName: field.type_name.string,
              value: field.is_null != 0 ? nil : field.value.string)
    }
    for (index, value) in box.masker.mask(batch) where index >= 0 && index < count {
        withBorrowedBytes(value) { sink(sinkContext, index, $0) }
    }
    return WARDEN_OK
}

private let destroyMasker: @convention(c) (UnsafeMutableRawPointer?) -> Void = { instance in
    guard let instance else { return }
    Unmanaged<MaskerBox>.fromOpaque(instance).release()
}
