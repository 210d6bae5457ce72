import Foundation

/// A token split into its three JWS compact segments and decoded, not yet verified.
///
/// Nothing read from here may be trusted until a signature over
/// ``signingInput`` has been verified; before that only routing (which
/// verifier to ask) and the algorithm check use it.
struct CompactJWS: Sendable {
    /// Tokens longer than this are refused before any decoding work.
    static let maximumLength = 16 * 1024

    let algorithm: String?
    let keyID: String?
    /// The bytes the signature covers: `base64url(header) "." base64url(payload)`.
    let signingInput: Data
    let signature: Data
    let claims: [String: JSONValue]

    init(_ token: String) throws(TokenRejection) {
        guard !token.isEmpty else { throw .noToken }
        guard token.utf8.count <= Self.maximumLength else {
            throw .malformed("it is longer than \(Self.maximumLength) bytes")
        }
        let segments = token.split(separator: ".", omittingEmptySubsequences: false)
        if segments.count == 5 { throw .malformed("encrypted tokens (JWE) are not accepted") }
        guard segments.count == 3 else { throw .malformed("a JWT has three dot-separated parts") }
        guard let headerData = Base64URL.decode(segments[0]),
            let payloadData = Base64URL.decode(segments[1]),
            let signature = Base64URL.decode(segments[2])
        else { throw .malformed("a part is not base64url") }
        guard let header = Self.object(headerData) else { throw .malformed("the header is not a JSON object") }
        guard let claims = Self.object(payloadData) else { throw .malformed("the payload is not a JSON object") }

        // RFC 7515 §4.1.11: a verifier must refuse critical extensions it does not
        // implement, and Warden implements none.
        if header["crit"] != nil { throw .malformed("critical header extensions are not supported") }
        // Keys named by the token itself (jku, jwk, x5u, x5c) are deliberately
        // ignored: only keys published by the configured issuer are ever used.

        self.algorithm = header["alg"]?.string
        self.keyID = header["kid"]?.string
        self.signingInput = Data("\(segments[0]).\(segments[1])".utf8)
        self.signature = signature
        self.claims = claims
    }

    /// The unverified `iss`, for routing to the verifier that owns it.
    var unverifiedIssuer: String? { claims["iss"]?.string }

    private static func object(_ data: Data) -> [String: JSONValue]? {
        (try? JSONDecoder().decode(JSONValue.self, from: data))?.object
    }
}
