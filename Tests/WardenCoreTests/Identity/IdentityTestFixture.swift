import AsyncHTTPClient
import Foundation
import Logging
import NIOConcurrencyHelpers

@testable import WardenCore

/// A clock tests can move forward, to step past the JWKS refetch interval.
final class TestClock: Sendable {
    private let current = NIOLockedValueBox(Date())

    func now() -> Date { current.withLockedValue { $0 } }

    func advance(seconds: TimeInterval) {
        current.withLockedValue { $0 += seconds }
    }
}

/// A loopback issuer serving `keys`, and an ``OIDCProvider`` that trusts it.
struct ProviderFixture {
    let server: IdentityTestServer
    let provider: OIDCProvider
    let clock: TestClock

    var issuer: String { server.issuer }

    static func with<T>(
        keys: [TestKey], groupsClaim: String = "groups",
        _ body: (ProviderFixture) async throws -> T
    ) async throws -> T {
        let server = try await IdentityTestServer()
        server.publish(keys)
        let clock = TestClock()
        do {
            let provider = try OIDCProvider(
                settings: OIDCSettings(issuer: URL(string: server.issuer)!, audience: "warden", groupsClaim: groupsClaim),
                httpClient: .shared, logger: Logger(label: "warden.test.oidc"), clockSkew: .seconds(60),
                now: { clock.now() })
            let result = try await body(ProviderFixture(server: server, provider: provider, clock: clock))
            try await server.stop()
            return result
        } catch {
            try? await server.stop()
            throw error
        }
    }

    /// Claims valid at the fixture's current time.
    func claims(audience: Any = "warden", subject: String = "alice", extra: [String: Any] = [:]) -> [String: Any] {
        TestJWT.claims(issuer: issuer, audience: audience, subject: subject, now: clock.now(), extra: extra)
    }

    /// The rejection `validate` throws, or nil if it accepted the token.
    func rejection(_ token: String) async -> TokenRejection? {
        do {
            _ = try await provider.validate(token)
            return nil
        } catch let rejection as TokenRejection {
            return rejection
        } catch {
            return TokenRejection(.malformed, "unexpected error type: \(error)")
        }
    }
}
