import Foundation
import Testing
import WardenCore

/// `warden plugins inspect` on the real Postgres plugin, and on each kind of
/// file the loader must refuse, built here by the test suite.
@Suite(.ownThreads) struct PluginLoadingTests {
    /// Compiles Tests/Fixtures/plugins/test_plugin.c with `defines` into a shared object.
    static func buildCPlugin(_ name: String, _ defines: [String]) throws -> String {
        let directory = try Paths.temporaryDirectory("warden-cplugin")
        let output = directory.appendingPathComponent("lib\(name).so").path
        let source = Paths.repositoryRoot.appendingPathComponent("Tests/Fixtures/plugins/test_plugin.c").path
        let include = Paths.repositoryRoot.appendingPathComponent("plugin-sdk/Sources/CWardenPlugin/include").path
        let result = try Command.run("cc", ["-shared", "-fPIC", "-Wall", "-Werror", "-I", include, "-o", output, source]
            + defines.map { "-D\($0)" })
        guard result.status == 0 else { throw TestSetupError("cc failed: \(result.output)") }
        return output
    }

    static let matchingToolchain = "PLUGIN_TOOLCHAIN=\"\(hostToolchainIdentity)\""

    func inspect(_ files: String...) throws -> CommandResult {
        try Command.run(Paths.warden, ["plugins", "inspect"] + files)
    }

    @Test func postgresPluginManifestIsPrinted() throws {
        let result = try inspect(Paths.postgresPlugin)
        #expect(result.status == 0, "\(result.output)")
        #expect(result.stdout.contains("name:          postgres"))
        #expect(result.stdout.contains("kind:          protocol"))
        #expect(result.stdout.contains("abi:           1.6"))
        #expect(result.stdout.contains("approval-notices"))
        #expect(result.stdout.contains("client-tls-upgrade"))
    }

    @Test func aCPluginWithTheHostToolchainLoads() throws {
        let plugin = try Self.buildCPlugin("good", [Self.matchingToolchain])
        let result = try inspect(plugin)
        #expect(result.status == 0, "\(result.output)")
        #expect(result.stdout.contains("name:          c-test"))
    }

    @Test func aMissingFileIsRefused() throws {
        let result = try inspect("/nonexistent/libnothing.so")
        #expect(result.status != 0)
        #expect(result.stderr.contains("plugin /nonexistent/libnothing.so: no such file"))
    }

    @Test func aFileThatIsNotASharedObjectIsRefused() throws {
        let file = try Paths.temporaryDirectory("warden-text").appendingPathComponent("libtext.so").path
        try "just text".write(toFile: file, atomically: true, encoding: .utf8)
        let result = try inspect(file)
        #expect(result.status != 0)
        #expect(result.stderr.contains("not a loadable shared object"))
    }

    @Test func libsslIsNotAWardenPlugin() throws {
        let candidates = ["/usr/lib/x86_64-linux-gnu/libssl.so.3", "/usr/lib/aarch64-linux-gnu/libssl.so.3", "/lib/x86_64-linux-gnu/libssl.so.3"]
        let libssl = try #require(candidates.first { FileManager.default.fileExists(atPath: $0) }, "libssl.so.3 not found")
        let result = try inspect(libssl)
        #expect(result.status != 0)
        #expect(result.stderr.contains("\(libssl): not a Warden plugin: it does not export 'warden_plugin_entry'"))
    }

    @Test func anABIMajorMismatchIsRefused() throws {
        let plugin = try Self.buildCPlugin("major", ["PLUGIN_ABI_MAJOR=2", "PLUGIN_ABI_MINOR=0", Self.matchingToolchain])
        let result = try inspect(plugin)
        #expect(result.status != 0)
        #expect(result.stderr.contains("built for plugin ABI 2.0, but this host speaks ABI 1.6"))
    }

    @Test func aNewerABIMinorIsRefused() throws {
        let plugin = try Self.buildCPlugin("minor", ["PLUGIN_ABI_MINOR=7", Self.matchingToolchain])
        let result = try inspect(plugin)
        #expect(result.status != 0)
        #expect(result.stderr.contains("built for plugin ABI 1.7, newer than this host's 1.6"))
    }

    /// Minor versions only add: a plugin built against ABI 1.0 still loads.
    @Test func anOlderABIMinorLoads() throws {
        let plugin = try Self.buildCPlugin("older", ["PLUGIN_ABI_MINOR=0", Self.matchingToolchain])
        let result = try inspect(plugin)
        #expect(result.status == 0, "\(result.output)")
        #expect(result.stdout.contains("abi:           1.0 (host 1.6)"))
    }

    /// A plugin built against the 1.2 header has a hooks table that ends
    /// before `on_ending`: it still loads, and its sessions are closed
    /// without a protocol message when the host ends them.
    @Test func aPluginWithThe1_2HooksTableLoads() throws {
        let plugin = try Self.buildCPlugin("hooks12", ["PLUGIN_ABI_MINOR=2", "PLUGIN_HOOKS_1_2", Self.matchingToolchain])
        let result = try inspect(plugin)
        #expect(result.status == 0, "\(result.output)")
        #expect(result.stdout.contains("abi:           1.2 (host 1.6)"))
    }

    /// ABI 1.3 added `on_ending` and `refuse_client` at the end of the hooks
    /// table: a table that ends before them (an older plugin's) still loads,
    /// one too short for the 1.0 hooks does not.
    @Test func aHooksTableFromAnOlderMinorLoadsAndATruncatedOneIsRefused() throws {
        let older = try Self.buildCPlugin("hooks12size", [
            "PLUGIN_ABI_MINOR=2", "PLUGIN_HOOKS_SIZE=offsetof(warden_protocol_hooks,on_ending)", Self.matchingToolchain,
        ])
        let loaded = try inspect(older)
        #expect(loaded.status == 0, "\(loaded.output)")
        let truncated = try Self.buildCPlugin("hooksshort", [
            "PLUGIN_HOOKS_SIZE=offsetof(warden_protocol_hooks,session_close)", Self.matchingToolchain,
        ])
        let refused = try inspect(truncated)
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("incomplete protocol hooks table"), "\(refused.output)")
    }

    @Test func anotherToolchainIsRefused() throws {
        let plugin = try Self.buildCPlugin("toolchain", ["PLUGIN_TOOLCHAIN=\"swift-5.9 elsewhere\""])
        let result = try inspect(plugin)
        #expect(result.status != 0)
        #expect(result.stderr.contains("built with a different Swift toolchain (plugin: swift-5.9 elsewhere"))
    }

    @Test func aFailingInitIsRefused() throws {
        let plugin = try Self.buildCPlugin("initfails", ["PLUGIN_INIT_FAILS=1", Self.matchingToolchain])
        let result = try inspect(plugin)
        #expect(result.status != 0)
        #expect(result.stderr.contains("initialization failed: the test plugin was told to fail"))
    }

    @Test func twoPluginsWithTheSameNameAreRefused() throws {
        let first = try Self.buildCPlugin("twin", [Self.matchingToolchain])
        let second = try Self.buildCPlugin("twin", [Self.matchingToolchain])
        let result = try inspect(first, second)
        #expect(result.status != 0)
        #expect(result.stderr.contains("plugin name 'c-test' is provided twice: by \(first) and by \(second)"))
    }

    @Test func serveRefusesAPluginDirectoryWithADuplicate() throws {
        // The same refusal through configuration: two plugin directories that provide 'c-test'.
        let first = URL(fileURLWithPath: try Self.buildCPlugin("dup", [Self.matchingToolchain])).deletingLastPathComponent().path
        let second = URL(fileURLWithPath: try Self.buildCPlugin("dup", [Self.matchingToolchain])).deletingLastPathComponent().path
        let directory = try Paths.temporaryDirectory("warden-dupcfg")
        let config = directory.appendingPathComponent("warden.yaml").path
        try """
            listeners: [{ name: pg, protocol: postgres, address: "127.0.0.1:1" }]
            plugins: { paths: [\(first), \(second)] }
            identity: { dev_issuer: { enabled: true } }
            store: { sqlite: \(directory.path)/warden.db }
            """.write(toFile: config, atomically: true, encoding: .utf8)
        let result = try Command.run(Paths.warden, ["serve", "--config", config])
        #expect(result.status != 0)
        #expect(result.stderr.contains("plugin name 'c-test' is provided twice"))
    }

    @Test func serveRefusesAMaskingRuleWhosePluginIsNotLoaded() throws {
        let directory = try Paths.temporaryDirectory("warden-maskcfg")
        let config = directory.appendingPathComponent("warden.yaml").path
        try """
            listeners: [{ name: pg, protocol: postgres, address: "127.0.0.1:1" }]
            plugins: { paths: [\(Paths.products.path)] }
            identity: { dev_issuer: { enabled: true } }
            connections:
              - name: orders
                protocol: postgres
                upstream: { host: 127.0.0.1, port: 5432, user: app }
                allow_groups: [dba]
                masking:
                  - { columns: [email], masker: nosuch.email }
            store: { sqlite: \(directory.path)/warden.db }
            """.write(toFile: config, atomically: true, encoding: .utf8)
        let result = try Command.run(Paths.warden, ["serve", "--config", config])
        #expect(result.status != 0)
        #expect(result.stderr.contains("warden.yaml:10: connections[0].masking[0].masker: no masker plugin named 'nosuch' is loaded"), "\(result.output)")
    }
}
