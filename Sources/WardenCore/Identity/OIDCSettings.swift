import Foundation

/// What Warden trusts from an external OpenID Connect provider.
public struct OIDCSettings: Sendable, Equatable {
    /// The provider's issuer URL exactly as it appears in its tokens' `iss` claim;
    /// discovery is read from `{issuer}/.well-known/openid-configuration`.
    public var issuer: URL
    /// The value the tokens' `aud` claim must contain (Warden's client id at the provider).
    public var audience: String
    /// The name of the claim that lists the caller's groups (`groups` by default).
    public var groupsClaim: String

    public init(issuer: URL, audience: String, groupsClaim: String = "groups") {
        self.issuer = issuer
        self.audience = audience
        self.groupsClaim = groupsClaim
    }

    /// Checks the settings before any network use.
    ///
    /// The issuer must use https, because its discovery document and keys decide
    /// which tokens are trusted; plain http is allowed only for a loopback host
    /// (127.0.0.0/8, ::1, localhost), where no one else can sit on the path.
    public func validate() throws(OIDCSettingsError) {
        let text = issuer.absoluteString
        guard issuer.host?.isEmpty == false else {
            throw OIDCSettingsError("OIDC issuer '\(text)' has no host")
        }
        guard TransportRule.isAcceptable(issuer) else {
            throw OIDCSettingsError(
                "OIDC issuer '\(text)' must use https; plain http is allowed only on a loopback host "
                    + "(127.0.0.0/8, ::1, localhost)")
        }
        guard issuer.query == nil, issuer.fragment == nil else {
            throw OIDCSettingsError("OIDC issuer '\(text)' must not have a query or fragment")
        }
        guard !audience.isEmpty else {
            throw OIDCSettingsError("OIDC audience must not be empty")
        }
        guard !groupsClaim.isEmpty else {
            throw OIDCSettingsError("OIDC groups claim name must not be empty")
        }
    }

    /// The issuer as compared with `iss` claims: exact string match, as OIDC requires.
    var issuerString: String { issuer.absoluteString }

    /// `{issuer}/.well-known/openid-configuration`, without doubling a trailing slash.
    var discoveryURL: URL {
        var base = issuer.absoluteString
        while base.hasSuffix("/") { base.removeLast() }
        return URL(string: base + "/.well-known/openid-configuration")!
    }
}

/// A configuration mistake in ``OIDCSettings``; the message says what to change.
public struct OIDCSettingsError: Error, CustomStringConvertible, Sendable, Equatable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
