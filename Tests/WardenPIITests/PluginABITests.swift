import CWardenPlugin
import Foundation
import Testing
import WardenPluginSDK

@testable import WardenPII

/// The plugin as the host sees it: the descriptor, the manifest, and the
/// masker hooks driven with C structures. The in-process tests use the
/// descriptor `warden_plugin_entry` returns (`exportPlugin(PIIPlugin.self)`);
/// one test loads the built `libWardenPII.so` with dlopen, as the host does.
@Suite struct PluginABITests {
    /// A host API table that lives for the process, as the host's does.
    /// Written once here, then only read by the plugin.
    nonisolated(unsafe) static let hostAPI: UnsafePointer<warden_host_api> = {
        let api = UnsafeMutablePointer<warden_host_api>.allocate(capacity: 1)
        api.initialize(to: warden_host_api())
        api.pointee.size = UInt32(MemoryLayout<warden_host_api>.size)
        api.pointee.abi_major = UInt16(WARDEN_ABI_MAJOR)
        api.pointee.abi_minor = UInt16(WARDEN_ABI_MINOR)
        return UnsafePointer(api)
    }()

    var descriptor: UnsafePointer<warden_plugin> {
        exportPlugin(PIIPlugin.self).assumingMemoryBound(to: warden_plugin.self)
    }

    /// Runs a plugin's init and returns its masker hooks and plugin pointer.
    func initialize(_ descriptor: UnsafePointer<warden_plugin>) throws -> (hooks: warden_masker_hooks, plugin: UnsafeMutableRawPointer?) {
        var instance = warden_plugin_instance()
        var error = warden_bytes()
        let initialize = try #require(descriptor.pointee.`init`)
        #expect(initialize(Self.hostAPI, &instance, &error) == WARDEN_OK, "\(text(error))")
        #expect(instance.protocol == nil)
        let hooks = try #require(instance.masker).pointee
        #expect(hooks.size == UInt32(MemoryLayout<warden_masker_hooks>.size))
        return (hooks, instance.plugin)
    }

    func initialize() throws -> (hooks: warden_masker_hooks, plugin: UnsafeMutableRawPointer?) {
        try initialize(descriptor)
    }

    @Test func theManifestNamesAMaskerPluginCalledPII() throws {
        let manifest = try #require(descriptor.pointee.manifest).pointee
        #expect(text(manifest.name) == "pii")
        #expect(manifest.kind == WARDEN_PLUGIN_MASKER.rawValue)
        #expect(manifest.abi_major == UInt16(WARDEN_ABI_MAJOR))
        #expect(text(manifest.swift_compiler) == String(cString: warden_toolchain_identity()))
    }

    @Test func aMaskerIsCreatedWithOptionsAndMasksABatch() throws {
        let (hooks, plugin) = try initialize()
        let instance = try create(hooks, plugin, "pii.partial", ["keep": "2", "detect": "ssn"])
        defer { hooks.destroy?(instance) }

        let values: [String?] = ["ssn 123-45-6789", nil, "nothing here", "a 001-01-0001 b"]
        let changed = try mask(hooks, instance, values)
        #expect(changed == [0: "ssn *********89", 3: "a *********01 b"])
    }

    @Test func aWholeValueMaskerSkipsNull() throws {
        let (hooks, plugin) = try initialize()
        let instance = try create(hooks, plugin, "pii.email", [:])
        defer { hooks.destroy?(instance) }
        #expect(try mask(hooks, instance, ["ada@example.com", nil, "not an address"]) == [0: "****@example.com", 2: "****"])
    }

    /// The product as the host loads it: `dlopen`, then the one exported symbol.
    @Test func theSharedObjectExportsTheEntryPoint() throws {
        let path = try #require(Self.sharedObject(), "libWardenPII not found beside the test bundle; set WARDEN_PRODUCTS")
        let library = try #require(dlopen(path, RTLD_NOW | RTLD_LOCAL), "\(String(cString: dlerror()))")
        // Never dlclose: a Swift plugin is never unloaded.
        let symbol = try #require(dlsym(library, WARDEN_PLUGIN_ENTRY_SYMBOL))
        let entry = unsafeBitCast(symbol, to: warden_plugin_entry_fn.self)
        let descriptor = try #require(entry())
        #expect(text(try #require(descriptor.pointee.manifest).pointee.name) == "pii")

        let (hooks, plugin) = try initialize(descriptor)
        let instance = try create(hooks, plugin, "pii.redact", ["detect": "card,email"])
        defer { hooks.destroy?(instance) }
        #expect(try mask(hooks, instance, ["card 4111 1111 1111 1111, mail ada@example.com", "id 42"])
            == [0: "card ****, mail ****"])
    }

    /// Where `swift test` built the shared object: beside the test bundle.
    static func sharedObject() -> String? {
        #if canImport(Darwin)
        let name = "libWardenPII.dylib"
        #else
        let name = "libWardenPII.so"
        #endif
        if let products = ProcessInfo.processInfo.environment["WARDEN_PRODUCTS"] {
            return products + "/" + name
        }
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        while directory.path != "/" {
            let candidate = directory.appendingPathComponent(name).path
            if FileManager.default.fileExists(atPath: candidate) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return nil
    }

    @Test func aBadOptionIsRefusedWithItsName() throws {
        let (hooks, plugin) = try initialize()
        let strings = CStrings()
        var instance: UnsafeMutableRawPointer?
        var error = warden_bytes()
        let pairs = strings.pairs(["keep": "many"])
        let status = withExtendedLifetime(strings) {
            hooks.create?(plugin, strings.bytes("pii.partial"), pairs, 1, &instance, &error)
        }
        #expect(status == WARDEN_BAD_ARGUMENT)
        #expect(instance == nil)
        #expect(text(error) == "pii.partial: option 'keep' must be a whole number from 0 to 1000, not 'many'")
    }

    // MARK: - C plumbing

    func create(
        _ hooks: warden_masker_hooks, _ plugin: UnsafeMutableRawPointer?, _ name: String, _ options: [String: String]
    ) throws -> UnsafeMutableRawPointer {
        let strings = CStrings()
        var instance: UnsafeMutableRawPointer?
        var error = warden_bytes()
        let pairs = strings.pairs(options)
        let status = withExtendedLifetime(strings) {
            hooks.create?(plugin, strings.bytes(name), pairs, options.count, &instance, &error)
        }
        #expect(status == WARDEN_OK, "\(text(error))")
        return try #require(instance)
    }

    /// Masks one batch of text fields through the hook; returns what the sink received.
    func mask(_ hooks: warden_masker_hooks, _ instance: UnsafeMutableRawPointer, _ values: [String?]) throws -> [Int: String] {
        let strings = CStrings()
        let fields = values.map { value in
            var field = warden_field()
            field.size = UInt32(MemoryLayout<warden_field>.size)
            field.is_null = value == nil ? 1 : 0
            field.name = strings.bytes("f")
            field.type_name = strings.bytes("text")
            field.value = strings.bytes(value ?? "")
            return field
        }
        let sink = SinkBox()
        let status = withExtendedLifetime(strings) {
            fields.withUnsafeBufferPointer { batch in
                hooks.mask?(instance, batch.baseAddress, batch.count, { context, index, bytes in
                    let sink = Unmanaged<SinkBox>.fromOpaque(context!).takeUnretainedValue()
                    sink.received[index] = text(bytes)
                }, Unmanaged.passUnretained(sink).toOpaque())
            }
        }
        #expect(status == WARDEN_OK)
        return sink.received
    }

    final class SinkBox {
        var received: [Int: String] = [:]
    }
}

/// C copies of strings for building ABI structures; freed with this object.
final class CStrings {
    private var buffers: [UnsafeMutableRawPointer] = []

    func bytes(_ string: String) -> warden_bytes {
        let utf8 = Array(string.utf8)
        let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: max(utf8.count, 1))
        buffer.initialize(from: utf8, count: utf8.count)
        buffers.append(UnsafeMutableRawPointer(buffer))
        return warden_bytes(data: buffer, length: utf8.count)
    }

    /// A C array of pairs, freed with this object.
    func pairs(_ options: [String: String]) -> UnsafePointer<warden_pair> {
        let array = UnsafeMutablePointer<warden_pair>.allocate(capacity: max(options.count, 1))
        for (index, (key, value)) in options.enumerated() {
            (array + index).initialize(to: warden_pair(key: bytes(key), value: bytes(value)))
        }
        buffers.append(UnsafeMutableRawPointer(array))
        return UnsafePointer(array)
    }

    deinit { buffers.forEach { $0.deallocate() } }
}

/// Copies borrowed bytes into a String.
func text(_ bytes: warden_bytes) -> String {
    guard let data = bytes.data else { return "" }
    return String(decoding: UnsafeBufferPointer(start: data, count: bytes.length), as: UTF8.self)
}
