import Crypto
import CryptoExtras
import Foundation

@testable import WardenCore

/// A locally generated signing key, its JWK and a hand-rolled JWS signer.
///
/// Tokens are built by hand (not with JWTKit) so tests can put anything in the
/// header (`alg: none`, HS256, a borrowed `kid`) that a real library would refuse to emit.
struct TestKey: Sendable {
    enum Material: Sendable {
        case rsa(_RSA.Signing.PrivateKey)
        case p256(P256.Signing.PrivateKey)
        case ed25519(Curve25519.Signing.PrivateKey)
    }

    let keyID: String?
    let material: Material

    /// Generating RSA keys is slow; tests share one.
    static let sharedRSA = try! _RSA.Signing.PrivateKey(keySize: .bits2048)
    static let otherRSA = try! _RSA.Signing.PrivateKey(keySize: .bits2048)

    static func rs256(_ keyID: String? = "rsa-1", key: _RSA.Signing.PrivateKey = sharedRSA) -> TestKey {
        TestKey(keyID: keyID, material: .rsa(key))
    }

    static func es256(_ keyID: String? = "ec-1") -> TestKey {
        TestKey(keyID: keyID, material: .p256(P256.Signing.PrivateKey()))
    }

    static func edDSA(_ keyID: String? = "ed-1") -> TestKey {
        TestKey(keyID: keyID, material: .ed25519(Curve25519.Signing.PrivateKey()))
    }

    var algorithm: String {
        switch material {
        case .rsa: "RS256"
        case .p256: "ES256"
        case .ed25519: "EdDSA"
        }
    }

    /// The public JWK, as an issuer would publish it.
    var jwk: [String: String] {
        var fields: [String: String]
        switch material {
        case .rsa(let key):
            let primitives = try! key.publicKey.getKeyPrimitives()
            fields = [
                "kty": "RSA", "n": Base64URL.encode(primitives.modulus),
                "e": Base64URL.encode(primitives.publicExponent),
            ]
        case .p256(let key):
            let point = key.publicKey.x963Representation.dropFirst()  // 0x04 ‖ x ‖ y
            fields = [
                "kty": "EC", "crv": "P-256", "x": Base64URL.encode(point.prefix(32)),
                "y": Base64URL.encode(point.suffix(32)),
            ]
        case .ed25519(let key):
            fields = ["kty": "OKP", "crv": "Ed25519", "x": Base64URL.encode(key.publicKey.rawRepresentation)]
        }
        if let keyID { fields["kid"] = keyID }
        fields["use"] = "sig"
        return fields
    }

    /// A signed token; `header` entries override the defaults (`alg`, `kid`, `typ`).
    func sign(_ claims: [String: Any], header: [String: Any] = [:]) -> String {
        var fullHeader: [String: Any] = ["alg": algorithm, "typ": "JWT"]
        if let keyID { fullHeader["kid"] = keyID }
        fullHeader.merge(header) { _, new in new }
        let input = TestJWT.signingInput(header: fullHeader, claims: claims)
        return "\(input).\(Base64URL.encode(signature(for: Data(input.utf8))))"
    }

    func signature(for data: Data) -> Data {
        switch material {
        case .rsa(let key):
            try! key.signature(for: SHA256.hash(data: data), padding: .insecurePKCS1v1_5).rawRepresentation
        case .p256(let key):
            try! key.signature(for: data).rawRepresentation
        case .ed25519(let key):
            try! key.signature(for: data)
        }
    }
}

enum TestJWT {
    static func json(_ object: Any) -> Data {
        try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    }

    static func signingInput(header: [String: Any], claims: [String: Any]) -> String {
        "\(Base64URL.encode(json(header))).\(Base64URL.encode(json(claims)))"
    }

    /// Standard claims valid for `issuer` and `audience` for the next ten minutes.
    static func claims(
        issuer: String, audience: Any = "warden", subject: String = "alice",
        now: Date = Date(), extra: [String: Any] = [:]
    ) -> [String: Any] {
        let seconds = Int(now.timeIntervalSince1970)
        var claims: [String: Any] = [
            "iss": issuer, "aud": audience, "sub": subject,
            "iat": seconds, "nbf": seconds, "exp": seconds + 600,
        ]
        claims.merge(extra) { _, new in new }
        return claims
    }

    /// The token with its payload replaced by `claims` but the original signature kept.
    static func replacingPayload(of token: String, with claims: [String: Any]) -> String {
        let parts = token.split(separator: ".")
        return "\(parts[0]).\(Base64URL.encode(json(claims))).\(parts[2])"
    }

    /// A payload segment decoded, to edit a real provider's token.
    static func payload(of token: String) -> [String: Any] {
        let segment = token.split(separator: ".")[1]
        return try! JSONSerialization.jsonObject(with: Base64URL.decode(segment)!) as! [String: Any]
    }
}
