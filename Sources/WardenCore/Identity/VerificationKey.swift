import Foundation
import JWTKit

/// One public key from an issuer's JWKS, bound to the single algorithm it may verify.
///
/// Binding the algorithm when the key is loaded (RSA → RS256, P-256 → ES256,
/// Ed25519 → EdDSA) is what stops a token from choosing how its own key is used.
struct VerificationKey: Sendable {
    let keyID: String?
    let algorithm: SigningAlgorithm
    private let verifier: any JWTAlgorithm

    init(keyID: String?, algorithm: SigningAlgorithm, verifier: any JWTAlgorithm) {
        self.keyID = keyID
        self.algorithm = algorithm
        self.verifier = verifier
    }

    func verifies(_ token: CompactJWS) -> Bool {
        guard token.algorithm == algorithm.rawValue else { return false }
        return (try? verifier.verify(token.signature, signs: token.signingInput)) ?? false
    }
}
