import Foundation
import Testing

@testable import WardenCore

@Suite("Token validator: routing by issuer")
struct TokenValidatorTests {
    @Test("dev and OIDC tokens each reach their own verifier")
    func routes() async throws {
        let key = TestKey.es256()
        try await ProviderFixture.with(keys: [key]) { fixture in
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("warden-tv-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: directory) }
            let dev = try DevIssuer(keyFile: directory.appendingPathComponent("dev.key"), audience: "warden")
            let validator = TokenValidator(oidc: fixture.provider, dev: dev)

            let devIdentity = try await validator.validate(try dev.issue(subject: "dev-user", groups: ["g"], ttl: .seconds(60)))
            #expect(devIdentity == Identity(subject: "dev-user", groups: ["g"], issuer: DevIssuer.issuer, expiresAt: devIdentity.expiresAt))

            let oidcIdentity = try await validator.validate(key.sign(fixture.claims(subject: "sso-user")) + "\n")
            #expect(oidcIdentity.subject == "sso-user")
            #expect(oidcIdentity.issuer == fixture.issuer)
        }
    }

    @Test("an unknown issuer, a missing verifier and an empty token are refused")
    func refusals() async throws {
        let key = TestKey.es256()
        try await ProviderFixture.with(keys: [key]) { fixture in
            let oidcOnly = TokenValidator(oidc: fixture.provider, dev: nil)
            let foreign = key.sign(TestJWT.claims(issuer: "https://accounts.example.org"))
            await #expect(throws: TokenRejection(.untrustedIssuer, "token issuer 'https://accounts.example.org' is not trusted")) {
                try await oidcOnly.validate(foreign)
            }
            // Without a dev issuer configured, a dev-looking token is just untrusted.
            let devLooking = key.sign(TestJWT.claims(issuer: DevIssuer.issuer))
            await #expect(throws: TokenRejection(.untrustedIssuer, "token issuer 'urn:warden:dev-issuer' is not trusted")) {
                try await oidcOnly.validate(devLooking)
            }
            await #expect(throws: TokenRejection(.missing, "no token was presented")) {
                try await oidcOnly.validate("  ")
            }
            let nothing = TokenValidator(oidc: nil, dev: nil)
            await #expect(throws: TokenRejection.self) { try await nothing.validate(key.sign(fixture.claims())) }
        }
    }
}
