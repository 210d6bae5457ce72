import Foundation
import JWTKit

/// Turns a JWKS (RFC 7517) into ``VerificationKey``s.
///
/// Only signature keys Warden can use are kept: RSA, EC P-256 and Ed25519.
/// Symmetric (`oct`) keys are dropped on principle, since a published shared
/// secret would let anyone mint tokens; a malformed key is skipped rather than
/// failing the whole set, so one bad entry does not lock every user out.
enum JWKSDocument {
    struct Parsed: Sendable {
        var keys: [VerificationKey]
        /// One line per ignored key, for the operator's log.
        var skipped: [String]
    }

    static func parse(_ data: Data) async throws(OIDCFetchError) -> Parsed {
        guard let document = try? JSONDecoder().decode(JSONValue.self, from: data),
            case .array(let entries)? = document.object?["keys"]
        else { throw OIDCFetchError("JWKS is not a JSON object with a 'keys' array") }

        var parsed = Parsed(keys: [], skipped: [])
        for (index, entry) in entries.enumerated() {
            guard let jwk = entry.object else {
                parsed.skipped.append("key #\(index): not a JSON object")
                continue
            }
            let label = jwk["kid"]?.string.map { "key '\($0)'" } ?? "key #\(index)"
            do {
                if let key = try await verificationKey(from: jwk) {
                    parsed.keys.append(key)
                } else {
                    parsed.skipped.append("\(label): kty/crv/alg/use not accepted for signatures")
                }
            } catch {
                parsed.skipped.append("\(label): \(error)")
            }
        }
        return parsed
    }

    /// nil for keys that are well-formed but not usable by Warden.
    private static func verificationKey(from jwk: [String: JSONValue]) async throws -> VerificationKey? {
        if let use = jwk["use"]?.string, use != "sig" { return nil }
        let keyID = jwk["kid"]?.string
        let declared = jwk["alg"]?.string
        let collection = JWTKeyCollection()

        switch jwk["kty"]?.string {
        case "RSA":
            guard declared == nil || declared == SigningAlgorithm.rs256.rawValue else { return nil }
            let key = try Insecure.RSA.PublicKey(modulus: try field("n", jwk), exponent: try field("e", jwk))
            await collection.add(rsa: key, digestAlgorithm: .sha256)
            return VerificationKey(keyID: keyID, algorithm: .rs256, verifier: try await collection.getKey())
        case "EC":
            guard jwk["crv"]?.string == "P-256",
                declared == nil || declared == SigningAlgorithm.es256.rawValue
            else { return nil }
            let key = try ES256PublicKey(parameters: (try field("x", jwk), try field("y", jwk)))
            await collection.add(ecdsa: key)
            return VerificationKey(keyID: keyID, algorithm: .es256, verifier: try await collection.getKey())
        case "OKP":
            // "Ed25519" is the fully-specified name from RFC 9864 for the same algorithm.
            guard jwk["crv"]?.string == "Ed25519",
                declared == nil || declared == SigningAlgorithm.edDSA.rawValue || declared == "Ed25519"
            else { return nil }
            let key = try EdDSA.PublicKey(x: try field("x", jwk), curve: .ed25519)
            await collection.add(eddsa: key)
            return VerificationKey(keyID: keyID, algorithm: .edDSA, verifier: try await collection.getKey())
        default:
            // "oct" (shared secrets) and anything unknown.
            return nil
        }
    }

    private static func field(_ name: String, _ jwk: [String: JSONValue]) throws(OIDCFetchError) -> String {
        guard let value = jwk[name]?.string else { throw OIDCFetchError("missing '\(name)'") }
        return value
    }
}
