import Foundation
import Testing

@testable import WardenCore

/// Issue 11: an upstream is a `url` for HTTP, verified in full by default,
/// and the gateway holds credentials of several kinds, each read from an
/// environment variable or a file, never from the configuration.
@Suite struct UpstreamCredentialsTests {
    static func yaml(upstream: String) -> String {
        """
        listeners:
          - { name: api, protocol: http, address: "127.0.0.1:8443" }
        identity: { dev_issuer: { enabled: true } }
        connections:
          - name: billing
            protocol: http
            upstream: \(upstream)
            allow_groups: [dba]
        """
    }

    func error(_ upstream: String) -> String {
        do {
            _ = try WardenConfig.parse(yaml: Self.yaml(upstream: upstream), file: "w.yaml")
            return "no error"
        } catch {
            return "\(error)"
        }
    }

    @Test func anHTTPSURLIsVerifiedInFullByDefault() throws {
        let config = try WardenConfig.parse(yaml: Self.yaml(upstream: "{ url: \"https://billing.internal:8443/v1\" }"), file: "w.yaml")
        let upstream = config.connections[0].upstream
        #expect(upstream.host == "billing.internal" && upstream.port == 8443)
        #expect(upstream.tls == .verifyFull)
        let plain = try WardenConfig.parse(yaml: Self.yaml(upstream: "{ url: \"http://127.0.0.1/\" }"), file: "w.yaml")
        #expect(plain.connections[0].upstream.port == 80 && plain.connections[0].upstream.tls == .disable)
    }

    @Test func mistakesNameTheKey() {
        #expect(error("{ url: \"ftp://x\" }").hasPrefix("w.yaml:7: connections[0].upstream.url: expected an http or https URL"))
        #expect(error("{ url: \"https://user:pw@x\" }").contains("without credentials"))
        #expect(error("{ url: \"https://x\", host: y }") == "w.yaml:7: connections[0].upstream.host: is taken from upstream.url; give one or the other")
        #expect(error("{ url: \"https://x\", tls: disable }") == "w.yaml:7: connections[0].upstream.tls: is disable, but upstream.url is https")
        #expect(error("{ url: \"https://x\", credentials: { bearer_token: \"s3cret\" } }")
            == "w.yaml:7: connections[0].upstream.credentials.bearer_token: must come from { env: NAME } or { file: PATH }, never from the configuration itself")
        #expect(error("{ url: \"https://x\", credentials: { bearer_token: { env: A, file: B } } }")
            .hasSuffix("credentials.bearer_token: give one of env or file"))
        #expect(error("{ url: \"https://x\", credentials: { bearer_token: { env: A }, basic: { user: u, password: { env: B } } } }")
            .hasSuffix("credentials.basic: and bearer_token both set Authorization; give one of them"))
        #expect(error("{ url: \"https://x\", credentials: { headers: { \"X Key\": { env: A } } } }")
            .hasSuffix("credentials.headers.X Key: is not a valid header name"))
        #expect(error("{ url: \"https://x\", credentials: { basic: { user: u, password: { env: B } }, headers: { authorization: { env: A } } } }")
            .hasSuffix("would replace the Authorization that bearer_token or basic sets"))
    }

    @Test func secretsAreReadAtStartAndHandedToThePlugin() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("warden-secrets-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let password = directory.appendingPathComponent("password"), key = directory.appendingPathComponent("key")
        try "pa:ss\n".write(to: password, atomically: true, encoding: .utf8)
        try "k-123".write(to: key, atomically: true, encoding: .utf8)
        let config = try WardenConfig.parse(yaml: Self.yaml(upstream: """
            { url: "https://x", credentials: { basic: { user: svc, password: { file: \(password.path) } }, \
            headers: { X-Api-Key: { file: \(key.path) } } } }
            """), file: "w.yaml")
        let secrets = try #require(try UpstreamSecrets.resolve(config)["billing"])
        #expect(secrets.authorization == "Basic " + Data("svc:pa:ss".utf8).base64EncodedString())
        #expect(secrets.pluginValues.map { "\($0.0)=\($0.1)" } == ["authorization=\(secrets.authorization ?? "")", "header.X-Api-Key=k-123"])

        let missing = try WardenConfig.parse(yaml: Self.yaml(upstream: """
            { url: "https://x", credentials: { bearer_token: { env: WARDEN_TEST_UNSET_\(UUID().uuidString.prefix(8)) } } }
            """), file: "w.yaml")
        #expect(throws: ConfigError.self) { try UpstreamSecrets.resolve(missing) }
        try "two\nlines".write(to: key, atomically: true, encoding: .utf8)
        #expect { try UpstreamSecrets.resolve(config) } throws: { "\($0)".contains("credentials.headers.X-Api-Key: the secret holds a line break") }
    }
}
