import Foundation

/// The single entry point listeners use to turn a presented token into an ``Identity``.
///
/// It reads the token's `iss` claim *without* trusting it, only to choose the
/// verifier that owns that issuer; that verifier then checks signature and
/// claims (including `iss` again, now verified). A token from any other issuer
/// is refused without further work.
public struct TokenValidator: Sendable {
    private let oidc: OIDCProvider?
    private let dev: DevIssuer?

    /// Either verifier may be absent: a deployment without an identity provider
    /// uses only the dev issuer, and production normally has no dev issuer.
    public init(oidc: OIDCProvider?, dev: DevIssuer?) {
        self.oidc = oidc
        self.dev = dev
    }

    /// - Throws: ``TokenRejection`` with a reason that is safe to show the client.
    public func validate(_ token: String) async throws -> Identity {
        // Tokens pasted into password prompts often carry a trailing newline.
        let token = token.trimmingCharacters(in: .whitespacesAndNewlines)
        let jws = try CompactJWS(token)
        guard let issuer = jws.unverifiedIssuer else { throw TokenRejection.missingClaim("iss", "issuer") }

        if let dev, issuer == DevIssuer.issuer {
            return try dev.validate(token)
        }
        if let oidc, issuer == oidc.settings.issuerString {
            return try await oidc.validate(token)
        }
        throw TokenRejection.untrustedIssuer(issuer)
    }
}
