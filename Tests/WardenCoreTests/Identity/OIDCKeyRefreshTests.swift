import Foundation
import Testing

@testable import WardenCore

@Suite("OIDC provider: discovery and JWKS cache")
struct OIDCKeyRefreshTests {
    @Test("keys are fetched once and cached")
    func cached() async throws {
        let key = TestKey.es256()
        try await ProviderFixture.with(keys: [key]) { fixture in
            for _ in 0..<5 { _ = try await fixture.provider.validate(key.sign(fixture.claims())) }
            #expect(fixture.server.hits("/.well-known/openid-configuration") == 1)
            #expect(fixture.server.hits("/jwks") == 1)
        }
    }

    @Test("an unknown kid triggers one refetch, and refetches are limited to one per 30 s")
    func unknownKeyRefetch() async throws {
        let first = TestKey.es256("first")
        let rotated = TestKey.edDSA("rotated")
        try await ProviderFixture.with(keys: [first]) { fixture in
            _ = try await fixture.provider.validate(first.sign(fixture.claims()))
            #expect(fixture.server.hits("/jwks") == 1)

            // The provider rotates; within 30 s of the last fetch the new kid is not looked up.
            fixture.server.publish([first, rotated])
            fixture.clock.advance(seconds: 10)
            let early = await fixture.rejection(rotated.sign(fixture.claims()))
            #expect(early?.kind == .unknownKey)
            #expect(early?.message == "token key 'rotated' is not published by the issuer for EdDSA")
            #expect(fixture.server.hits("/jwks") == 1)

            // After 30 s the unknown kid causes exactly one refetch, which finds it.
            fixture.clock.advance(seconds: 25)
            #expect(try await fixture.provider.validate(rotated.sign(fixture.claims())).subject == "alice")
            #expect(fixture.server.hits("/jwks") == 2)

            // A flood of made-up kids right after that causes no further fetches.
            for index in 0..<20 {
                let bogus = TestKey(keyID: "bogus-\(index)", material: rotated.material)
                #expect(await fixture.rejection(bogus.sign(fixture.claims()))?.kind == .unknownKey)
            }
            #expect(fixture.server.hits("/jwks") == 2)
            #expect(fixture.server.hits("/.well-known/openid-configuration") == 1)
        }
    }

    @Test("concurrent validations share one in-flight fetch")
    func singleFlight() async throws {
        let key = TestKey.es256()
        try await ProviderFixture.with(keys: [key]) { fixture in
            fixture.server.state.withLockedValue { $0.keySetDelay = .milliseconds(300) }
            let token = key.sign(fixture.claims())
            let subjects = try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<16 {
                    group.addTask { try await fixture.provider.validate(token).subject }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(subjects == Array(repeating: "alice", count: 16))
            #expect(fixture.server.hits("/jwks") == 1)
        }
    }

    @Test("keys older than an hour are refreshed, so withdrawn keys stop working")
    func staleKeys() async throws {
        let old = TestKey.es256("old")
        let new = TestKey.es256("new")
        try await ProviderFixture.with(keys: [old]) { fixture in
            _ = try await fixture.provider.validate(old.sign(fixture.claims()))
            fixture.server.publish([new])
            fixture.clock.advance(seconds: 3601)
            #expect(await fixture.rejection(old.sign(fixture.claims()))?.kind == .unknownKey)
            #expect(fixture.server.hits("/jwks") == 2)
        }
    }

    @Test("a discovery document naming another issuer is not trusted")
    func discoveryIssuerMismatch() async throws {
        let key = TestKey.es256()
        try await ProviderFixture.with(keys: [key]) { fixture in
            fixture.server.state.withLockedValue { $0.advertisedIssuer = "https://evil.example" }
            let rejection = await fixture.rejection(key.sign(fixture.claims()))
            #expect(rejection?.kind == .providerUnavailable)
            #expect(fixture.server.hits("/jwks") == 0)
        }
    }

    @Test("a jwks_uri over plain http off loopback is not fetched")
    func insecureKeySetURL() async throws {
        let key = TestKey.es256()
        try await ProviderFixture.with(keys: [key]) { fixture in
            fixture.server.state.withLockedValue { $0.advertisedKeySetURL = "http://keys.example.com/jwks" }
            #expect(await fixture.rejection(key.sign(fixture.claims()))?.kind == .providerUnavailable)
        }
    }

    @Test("after a failed load, retries are spaced out and then succeed")
    func retryAfterFailure() async throws {
        let key = TestKey.es256()
        try await ProviderFixture.with(keys: []) { fixture in
            let token = key.sign(fixture.claims())
            #expect(await fixture.rejection(token)?.kind == .providerUnavailable)
            #expect(await fixture.rejection(token)?.kind == .providerUnavailable)
            #expect(fixture.server.hits("/jwks") == 1)
            fixture.server.publish([key])
            fixture.clock.advance(seconds: 6)
            let identity = try await fixture.provider.validate(token)
            #expect(identity.subject == "alice")
            #expect(fixture.server.hits("/jwks") == 2)
        }
    }
}
