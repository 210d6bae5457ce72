import Foundation
import Testing
import WardenTestSupport

/// psql through the gateway with a token from a standard external OpenID
/// Connect provider (`oidc-provider-mock`), found only through its discovery
/// document and JWKS.
@Suite(.ownThreads) struct ExternalProviderGatewayTests {
    @Test func aTokenFromTheExternalProviderSignsIn() async throws {
        let postgres = try await PostgresServer.shared()
        let provider = try await ExternalOIDCProviderProcess.start()
        defer { provider.stop() }
        let gateway = try GatewayProcess(
            postgres: postgres,
            extraIdentity: "  oidc: { issuer: \"\(provider.issuer)\", audience: warden, groups_claim: groups }\n")
        defer { gateway.stop() }

        let token = try await provider.idToken(subject: "dana@example.com", groups: ["analysts"], audience: "warden")
        let result = try gateway.psql("SELECT count(*) FROM customers", password: token)
        #expect(result.status == 0, "\(result.stderr)\n\(gateway.logs)")
        #expect(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "3")

        // A genuine token from the same provider without an allowed group is refused.
        let outsider = try await provider.idToken(subject: "eve@example.com", groups: ["sales"], audience: "warden")
        let refused = try gateway.psql("SELECT 1", password: outsider)
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("'eve@example.com' is not in a group allowed to use 'orders'"), "\(refused.stderr)")
    }

    @Test func aPlainHTTPIssuerOffLoopbackIsRefused() throws {
        let directory = try Paths.temporaryDirectory("warden-httpissuer")
        let config = directory.appendingPathComponent("warden.yaml").path
        try """
            listeners: [{ name: pg, protocol: postgres, address: "127.0.0.1:1" }]
            identity:
              oidc: { issuer: "http://idp.example.com/realms/main", audience: warden }
            store: { sqlite: \(directory.path)/warden.db }
            """.write(toFile: config, atomically: true, encoding: .utf8)
        let result = try Command.run(Paths.warden, ["config", "check", "--config", config])
        #expect(result.status != 0)
        #expect(result.stderr.contains("identity.oidc.issuer: the issuer must use https"), "\(result.stderr)")
    }
}
