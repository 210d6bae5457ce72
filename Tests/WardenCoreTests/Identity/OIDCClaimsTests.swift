import Foundation
import Testing

@testable import WardenCore

@Suite("OIDC provider: claims")
struct OIDCClaimsTests {
    let key = TestKey.es256()

    @Test("an expired token is refused with its expiry time")
    func expired() async throws {
        try await ProviderFixture.with(keys: [key]) { fixture in
            let exp = Int(fixture.clock.now().timeIntervalSince1970) - 120
            let rejection = await fixture.rejection(key.sign(fixture.claims(extra: ["exp": exp])))
            #expect(rejection?.kind == .expired)
            let expected = Date(timeIntervalSince1970: TimeInterval(exp)).formatted(.iso8601)
            #expect(rejection?.message == "token expired at \(expected)")
        }
    }

    @Test("expiry and not-before tolerate the 60 s clock skew, but not more")
    func skew() async throws {
        try await ProviderFixture.with(keys: [key]) { fixture in
            let now = Int(fixture.clock.now().timeIntervalSince1970)
            _ = try await fixture.provider.validate(key.sign(fixture.claims(extra: ["exp": now - 30])))
            _ = try await fixture.provider.validate(key.sign(fixture.claims(extra: ["nbf": now + 30])))
            #expect(await fixture.rejection(key.sign(fixture.claims(extra: ["exp": now - 61])))?.kind == .expired)
            #expect(await fixture.rejection(key.sign(fixture.claims(extra: ["nbf": now + 61])))?.kind == .notYetValid)
        }
    }

    @Test("a token that is not yet valid is refused")
    func notYetValid() async throws {
        try await ProviderFixture.with(keys: [key]) { fixture in
            let nbf = Int(fixture.clock.now().timeIntervalSince1970) + 3600
            let rejection = await fixture.rejection(key.sign(fixture.claims(extra: ["nbf": nbf, "exp": nbf + 600])))
            #expect(rejection?.kind == .notYetValid)
            #expect(rejection?.message.hasPrefix("token is not valid before ") == true)
        }
    }

    @Test("the audience must include warden, as a string or in an array")
    func audience() async throws {
        try await ProviderFixture.with(keys: [key]) { fixture in
            let rejection = await fixture.rejection(key.sign(fixture.claims(audience: "grafana")))
            #expect(rejection == TokenRejection(.wrongAudience, "token audience does not include 'warden'"))
            #expect(await fixture.rejection(key.sign(fixture.claims(audience: ["grafana", "kibana"])))?.kind == .wrongAudience)
            _ = try await fixture.provider.validate(key.sign(fixture.claims(audience: ["grafana", "warden"])))
            var noAudience = fixture.claims()
            noAudience["aud"] = nil
            #expect(await fixture.rejection(key.sign(noAudience)) == .missingClaim("aud", "audience"))
        }
    }

    @Test("a token from another issuer is refused, even when signed by a trusted key")
    func wrongIssuer() async throws {
        try await ProviderFixture.with(keys: [key]) { fixture in
            var claims = fixture.claims()
            claims["iss"] = "https://evil.example"
            let rejection = await fixture.rejection(key.sign(claims))
            #expect(rejection == TokenRejection(.untrustedIssuer, "token issuer 'https://evil.example' is not trusted"))
            claims["iss"] = fixture.issuer + "/"
            #expect(await fixture.rejection(key.sign(claims))?.kind == .untrustedIssuer)
            claims["iss"] = nil
            #expect(await fixture.rejection(key.sign(claims)) == .missingClaim("iss", "issuer"))
        }
    }

    @Test("a token without sub or exp is refused")
    func requiredClaims() async throws {
        try await ProviderFixture.with(keys: [key]) { fixture in
            var claims = fixture.claims()
            claims["sub"] = nil
            #expect(await fixture.rejection(key.sign(claims))?.message == "token has no subject (sub)")
            claims = fixture.claims(subject: "")
            #expect(await fixture.rejection(key.sign(claims))?.kind == .missingClaim)
            claims = fixture.claims()
            claims["exp"] = nil
            #expect(await fixture.rejection(key.sign(claims))?.message == "token has no expiry time (exp)")
        }
    }

    @Test("groups: array, single string, missing, or wrong type")
    func groups() async throws {
        try await ProviderFixture.with(keys: [key]) { fixture in
            let single = try await fixture.provider.validate(key.sign(fixture.claims(extra: ["groups": "ops"])))
            #expect(single.groups == ["ops"])
            let none = try await fixture.provider.validate(key.sign(fixture.claims()))
            #expect(none.groups == [])
            let mixed = await fixture.rejection(key.sign(fixture.claims(extra: ["groups": ["ops", 7]])))
            #expect(mixed?.message == "token claim 'groups' must be a string or an array of strings")
            #expect(await fixture.rejection(key.sign(fixture.claims(extra: ["groups": 3])))?.kind == .invalidClaim)
        }
    }

    @Test("the groups claim name is configurable")
    func customGroupsClaim() async throws {
        try await ProviderFixture.with(keys: [key], groupsClaim: "https://warden.example/roles") { fixture in
            let claims = fixture.claims(extra: ["groups": ["ignored"], "https://warden.example/roles": ["dba", "oncall"]])
            let identity = try await fixture.provider.validate(key.sign(claims))
            #expect(identity.groups == ["dba", "oncall"])
        }
    }

    @Test("claim values quoted in messages are sanitized and capped")
    func sanitizedMessages() async throws {
        try await ProviderFixture.with(keys: [key]) { fixture in
            var claims = fixture.claims()
            claims["iss"] = "evil\r\nX-Injected: 1" + String(repeating: "a", count: 500)
            let message = await fixture.rejection(key.sign(claims))?.message ?? ""
            #expect(!message.contains("\n") && !message.contains("\r"))
            #expect(message.count < 140)
        }
    }
}
