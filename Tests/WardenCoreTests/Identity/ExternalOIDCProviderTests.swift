import Foundation
import Logging
import Testing
import WardenTestSupport

@testable import WardenCore

/// Proves interoperability with a standard, independently written OIDC provider:
/// the PyPI package `oidc-provider-mock`, run on a loopback port. Warden learns
/// its keys only from its discovery document and JWKS.
///
/// Not skipped when the package is missing: the test fails and says how to
/// install it (`pip install oidc-provider-mock`).
@Suite("External OIDC provider (oidc-provider-mock)")
struct ExternalOIDCProviderTests {
    @Test("a token from the external provider is accepted, a tampered or foreign-audience one is not")
    func externalProvider() async throws {
        let external = try await ExternalOIDCProviderProcess.start()
        defer { external.stop() }

        let provider = try OIDCProvider(
            settings: OIDCSettings(issuer: URL(string: external.issuer)!, audience: "warden"),
            httpClient: .shared, logger: Logger(label: "warden.test.external-oidc"))

        let token = try await external.idToken(subject: "alice@example.com", groups: ["admins", "dev"], audience: "warden")
        let identity = try await provider.validate(token)
        #expect(identity.subject == "alice@example.com")
        #expect(identity.groups == ["admins", "dev"])
        #expect(identity.issuer == external.issuer)
        #expect(identity.expiresAt > Date())

        // The same token through the routing entry point.
        let routed = try await TokenValidator(oidc: provider, dev: nil).validate(token)
        #expect(routed == identity)

        // Escalating one's groups breaks the provider's signature.
        var claims = TestJWT.payload(of: token)
        claims["groups"] = ["admins", "dev", "root"]
        await #expect(throws: TokenRejection.invalidSignature) {
            try await provider.validate(TestJWT.replacingPayload(of: token, with: claims))
        }
        claims = TestJWT.payload(of: token)
        claims["sub"] = "mallory@example.com"
        await #expect(throws: TokenRejection.invalidSignature) {
            try await provider.validate(TestJWT.replacingPayload(of: token, with: claims))
        }

        // A genuine token the provider issued to another client is refused.
        let foreign = try await external.idToken(subject: "bob@example.com", groups: [], audience: "grafana")
        await #expect(throws: TokenRejection(.wrongAudience, "token audience does not include 'warden'")) {
            try await provider.validate(foreign)
        }

        // A user whose groups list is empty authenticates with no groups.
        let plain = try await external.idToken(subject: "carol@example.com", groups: [], audience: "warden")
        #expect(try await provider.validate(plain).groups == [])
    }
}
