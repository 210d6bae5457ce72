import Crypto
import Foundation

/// A local token issuer for development and demos, so Warden can be tried
/// without an identity provider.
///
/// It signs ES256 tokens with a key kept in a file (created on first use with
/// mode 0600, loaded afterwards), and validates them under exactly the same
/// claim rules as ``OIDCProvider``. Its tokens carry the issuer
/// ``DevIssuer/issuer``, which no real provider uses, so ``TokenValidator``
/// can never confuse the two.
public struct DevIssuer: Sendable {
    /// The `iss` of every dev token: a URN, so it cannot collide with an https issuer.
    public static let issuer = "urn:warden:dev-issuer"
    /// The claim dev tokens carry their groups in.
    static let groupsClaim = "groups"

    /// The `aud` this issuer writes and requires.
    public let audience: String
    private let privateKey: P256.Signing.PrivateKey
    private let keyID: String
    private let rules: ClaimRules
    private let now: @Sendable () -> Date

    /// Loads the signing key from `keyFile`, creating it if the file does not exist.
    ///
    /// - Throws: ``DevIssuerError`` if the file cannot be created or read, holds
    ///   no P-256 key, or is readable by other users.
    public init(keyFile: URL, audience: String, clockSkew: Duration = .seconds(60)) throws(DevIssuerError) {
        try self.init(keyFile: keyFile, audience: audience, clockSkew: clockSkew, now: Date.init)
    }

    /// The same, with the clock it signs and checks by: tests use it to make
    /// tokens that are already expired.
    public init(
        keyFile: URL, audience: String, clockSkew: Duration, now: @escaping @Sendable () -> Date
    ) throws(DevIssuerError) {
        guard !audience.isEmpty else { throw DevIssuerError("dev issuer audience must not be empty") }
        self.audience = audience
        self.privateKey = try DevIssuerKeyFile.loadOrCreate(at: keyFile)
        // A stable id derived from the public key, so a token names the key it needs.
        let digest = SHA256.hash(data: privateKey.publicKey.x963Representation)
        self.keyID = String(Base64URL.encode(digest).prefix(16))
        self.rules = ClaimRules(
            issuer: Self.issuer, audience: audience, groupsClaim: Self.groupsClaim, clockSkew: clockSkew)
        self.now = now
    }

    /// Signs a token for `subject` in `groups` that expires `ttl` from now.
    public func issue(subject: String, groups: [String], ttl: Duration) throws(DevIssuerError) -> String {
        guard !subject.isEmpty else { throw DevIssuerError("a dev token needs a non-empty subject") }
        let lifetime = ClaimRules.seconds(ttl)
        guard lifetime > 0 else { throw DevIssuerError("a dev token's lifetime must be positive") }

        let issuedAt = now().timeIntervalSince1970.rounded(.down)
        let claims = Claims(
            iss: Self.issuer, aud: audience, sub: subject, groups: groups,
            iat: Int64(issuedAt), nbf: Int64(issuedAt), exp: Int64((issuedAt + lifetime).rounded(.up)),
            jti: UUID().uuidString)
        let header = Header(alg: SigningAlgorithm.es256.rawValue, typ: "JWT", kid: keyID)

        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let signingInput: String
        do {
            signingInput = "\(Base64URL.encode(try encoder.encode(header))).\(Base64URL.encode(try encoder.encode(claims)))"
        } catch {
            throw DevIssuerError("cannot encode dev token: \(error)")
        }
        let signature: P256.Signing.ECDSASignature
        do {
            signature = try privateKey.signature(for: Data(signingInput.utf8))
        } catch {
            throw DevIssuerError("cannot sign dev token: \(error)")
        }
        // JWS uses the raw r‖s form, not DER.
        return "\(signingInput).\(Base64URL.encode(signature.rawRepresentation))"
    }

    /// Verifies a token this issuer (or another holding the same key file) signed.
    ///
    /// - Throws: ``TokenRejection`` with a reason that is safe to show the client.
    public func validate(_ token: String) throws(TokenRejection) -> Identity {
        let jws = try CompactJWS(token)
        let algorithm = try SigningAlgorithm(header: jws.algorithm)
        guard algorithm == .es256 else {
            throw TokenRejection(.algorithmNotAccepted, "dev tokens are signed with ES256, not \(algorithm.rawValue)")
        }
        if let issuer = jws.unverifiedIssuer, issuer != Self.issuer {
            throw TokenRejection.untrustedIssuer(issuer)
        }
        if let tokenKeyID = jws.keyID, tokenKeyID != keyID {
            throw TokenRejection(
                .unknownKey, "token key \(TokenRejection.quoted(tokenKeyID)) is not the dev issuer's key")
        }
        guard let signature = try? P256.Signing.ECDSASignature(rawRepresentation: jws.signature),
            privateKey.publicKey.isValidSignature(signature, for: jws.signingInput)
        else { throw TokenRejection.invalidSignature }
        return try rules.identity(from: jws.claims, now: now())
    }

    private struct Header: Encodable {
        let alg: String
        let typ: String
        let kid: String
    }

    private struct Claims: Encodable {
        let iss: String
        let aud: String
        let sub: String
        let groups: [String]
        let iat: Int64
        let nbf: Int64
        let exp: Int64
        let jti: String
    }
}
