import CWardenPlugin
import Testing

@testable import WardenPluginSDK

struct NullProtocol: ProtocolPlugin {
    static let manifest = PluginManifest(
        name: "null", kind: .protocol, version: "0.1.0", description: "does nothing", capabilities: [.masking])
    init(host: PluginHost) {}
    func makeSession(context: SessionContext, info: SessionInfo) throws -> any ProtocolSession {
        throw InitError("not used")
    }
}

/// The descriptor the SDK exports carries the manifest the host checks.
@Suite struct ExportTests {
    @Test func theManifestIsExportedWithTheABIAndToolchain() throws {
        let descriptor = exportPlugin(NullProtocol.self).assumingMemoryBound(to: warden_plugin.self)
        #expect(descriptor.pointee.size == UInt32(MemoryLayout<warden_plugin>.size))
        let manifest = try #require(descriptor.pointee.manifest).pointee
        #expect(manifest.abi_major == UInt16(WARDEN_ABI_MAJOR))
        #expect(manifest.abi_minor == UInt16(WARDEN_ABI_MINOR))
        #expect(manifest.kind == WARDEN_PLUGIN_PROTOCOL.rawValue)
        #expect(manifest.name.string == "null")
        #expect(manifest.swift_compiler.string == toolchainIdentity)
        #expect(manifest.capabilities == 1 << 2)  // WARDEN_CAP_MASKING
        // A second call returns the same static descriptor.
        #expect(exportPlugin(NullProtocol.self) == UnsafeRawPointer(descriptor))
    }
}
