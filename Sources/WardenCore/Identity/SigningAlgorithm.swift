/// The JWS algorithms Warden accepts.
///
/// Asymmetric only: with HMAC the verifier holds the signing secret, and the
/// classic confusion attack signs HS256 with the issuer's *public* key. `none`
/// is never accepted. The header's `alg` is checked against this list before
/// any key is touched, and every key is bound to one algorithm.
enum SigningAlgorithm: String, Sendable, CaseIterable {
    case rs256 = "RS256"
    case es256 = "ES256"
    case edDSA = "EdDSA"

    init(header alg: String?) throws(TokenRejection) {
        guard let alg else {
            throw TokenRejection(.algorithmNotAccepted, "token header names no algorithm (alg)")
        }
        if let accepted = SigningAlgorithm(rawValue: alg) {
            self = accepted
            return
        }
        let shown = TokenRejection.quoted(alg, limit: 20).dropFirst().dropLast()
        if alg.lowercased() == "none" {
            throw TokenRejection(.algorithmNotAccepted, "token is unsigned (alg none), which is not accepted")
        }
        if alg.uppercased().hasPrefix("HS") {
            throw TokenRejection(
                .algorithmNotAccepted,
                "token algorithm \(shown) is not accepted (shared-secret algorithms never are)")
        }
        throw TokenRejection(
            .algorithmNotAccepted,
            "token algorithm \(shown) is not accepted; use RS256, ES256 or EdDSA")
    }
}
