import AsyncHTTPClient
import Foundation
import Logging
import Testing

@testable import WardenCore

@Suite("OIDC settings: the https rule for issuers")
struct OIDCSettingsTests {
    @Test(
        "https anywhere and http on loopback are accepted",
        arguments: [
            "https://login.example.com", "https://login.example.com/realms/x", "http://127.0.0.1:9400",
            "http://127.8.9.10", "http://localhost:8080", "http://LOCALHOST", "http://[::1]:9400",
        ])
    func accepted(_ issuer: String) throws {
        try OIDCSettings(issuer: URL(string: issuer)!, audience: "warden").validate()
    }

    @Test(
        "plain http off loopback and other schemes are refused, and the message says why",
        arguments: [
            "http://login.example.com", "http://10.0.0.1", "http://128.0.0.1", "http://127.1",
            "http://127.0.0.1.example.com", "ftp://127.0.0.1", "http://[::2]",
        ])
    func refused(_ issuer: String) {
        let error = #expect(throws: OIDCSettingsError.self) {
            try OIDCSettings(issuer: URL(string: issuer)!, audience: "warden").validate()
        }
        #expect(error?.message.contains("must use https") == true)
        #expect(error?.message.contains("loopback host (127.0.0.0/8, ::1, localhost)") == true)
    }

    @Test("empty audience and groups claim are refused")
    func emptyFields() {
        let issuer = URL(string: "https://login.example.com")!
        #expect(throws: OIDCSettingsError("OIDC audience must not be empty")) {
            try OIDCSettings(issuer: issuer, audience: "").validate()
        }
        #expect(throws: OIDCSettingsError("OIDC groups claim name must not be empty")) {
            try OIDCSettings(issuer: issuer, audience: "warden", groupsClaim: "").validate()
        }
    }

    @Test("the provider refuses to start with an insecure issuer")
    func providerChecksSettings() {
        #expect(throws: OIDCSettingsError.self) {
            _ = try OIDCProvider(
                settings: OIDCSettings(issuer: URL(string: "http://idp.example.com")!, audience: "warden"),
                httpClient: .shared, logger: Logger(label: "test"))
        }
    }

    @Test("discovery URL is built without doubling a trailing slash")
    func discoveryURL() {
        let settings = OIDCSettings(issuer: URL(string: "https://idp.example.com/realm/")!, audience: "warden")
        #expect(settings.discoveryURL.absoluteString == "https://idp.example.com/realm/.well-known/openid-configuration")
    }
}
