import Foundation
import Testing

/// The out-of-tree example masker, `plugin-sdk/Examples/AcmeMasker`, built as
/// its own package from plugin-sdk alone, loaded by configuration only, and
/// changing what psql sees.
@Suite(.serialized, .ownThreads) struct CustomMaskerTests {
    static let example = Paths.repositoryRoot.appendingPathComponent("plugin-sdk/Examples/AcmeMasker")

    /// The directory holding `libAcmeMasker.so`, after one `swift build` of the
    /// example per test process. The build is incremental: scripts/test has
    /// already run it, and a stale or missing library is rebuilt, never used.
    static let built: Result<URL, any Error> = Result {
        let result = try Command.run("swift", ["build"], directory: example.path)
        guard result.status == 0 else {
            throw TestSetupError("""
                could not build the example masker; to see why, run `swift build` in \(example.path):
                \(result.output)
                """)
        }
        let directory = example.appendingPathComponent(".build/debug")
        guard FileManager.default.fileExists(atPath: directory.appendingPathComponent("libAcmeMasker.so").path) else {
            throw TestSetupError("`swift build` in \(example.path) did not produce .build/debug/libAcmeMasker.so")
        }
        return directory
    }

    static func connections(_ postgres: PostgresServer) -> String {
        """
          - name: orders
            protocol: postgres
            upstream: { host: 127.0.0.1, port: \(postgres.port), database: orders, user: app, password_env: ORDERS_DB_PASSWORD }
            allow_groups: [analysts]
            masking:
              - { columns: [name], masker: acme.initials, options: { separator: "" } }
        """
    }

    @Test func inspectPrintsTheManifest() throws {
        let library = try Self.built.get().appendingPathComponent("libAcmeMasker.so").path
        let result = try Command.run(Paths.warden, ["plugins", "inspect", library])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.stdout.contains("name:          acme"), "\(result.stdout)")
        #expect(result.stdout.contains("kind:          masker"), "\(result.stdout)")
    }

    @Test func namesBecomeInitialsAndTheRestIsIdentical() async throws {
        let pluginDirectory = try Self.built.get()
        let postgres = try await PostgresServer.shared()
        let gateway = try GatewayProcess(
            postgres: postgres, connections: Self.connections(postgres), pluginPaths: [pluginDirectory.path])
        defer { gateway.stop() }
        let token = try gateway.devToken(subject: "alice", groups: ["analysts"])

        let query = "SELECT id, name, city FROM customers ORDER BY id"
        let masked = try gateway.psql(query, password: token)
        #expect(masked.status == 0, "\(masked.output)\n\(gateway.logs)")
        let direct = try postgres.superuser(query, database: "orders")
        let rows = Self.rows(masked.stdout), directRows = Self.rows(direct)
        // The option from the configuration reached the masker: no space between initials.
        #expect(rows.map { $0[1] } == ["A.L.", "G.H.", "E.D."], "\(rows)")
        #expect(directRows.map { $0[1] } == ["Ada Lovelace", "Grace Hopper", "Edsger Dijkstra"], "\(directRows)")
        // Columns no rule names are what a direct query returns.
        #expect(rows.map { [$0[0], $0[2]] } == directRows.map { [$0[0], $0[2]] })
    }

    @Test func serveRefusesABadOptionNamingTheRule() throws {
        let pluginDirectory = try Self.built.get()
        let directory = try Paths.temporaryDirectory("warden-acmecfg")
        let config = directory.appendingPathComponent("warden.yaml").path
        try """
            listeners: [{ name: pg, protocol: postgres, address: "127.0.0.1:1" }]
            plugins: { paths: [\(Paths.products.path), \(pluginDirectory.path)] }
            identity: { dev_issuer: { enabled: true } }
            connections:
              - name: orders
                protocol: postgres
                upstream: { host: 127.0.0.1, port: 5432, user: app }
                allow_groups: [dba]
                masking:
                  - { columns: [name], masker: acme.initials, options: { separator: "----------" } }
            store: { sqlite: \(directory.path)/warden.db }
            """.write(toFile: config, atomically: true, encoding: .utf8)
        let result = try Command.run(Paths.warden, ["serve", "--config", config])
        #expect(result.status != 0)
        #expect(result.stderr.contains("warden.yaml:10: connections[0].masking[0].masker: the acme plugin ("), "\(result.output)")
        #expect(result.stderr.contains(
            "refused masker 'initials': acme.initials: option 'separator' must be at most 8 characters, not '----------'"),
            "\(result.output)")
    }

    /// psql's unaligned, tuples-only output as rows of fields.
    static func rows(_ output: String) -> [[String]] {
        output.split(separator: "\n").map { $0.split(separator: "|", omittingEmptySubsequences: false).map(String.init) }
    }
}
