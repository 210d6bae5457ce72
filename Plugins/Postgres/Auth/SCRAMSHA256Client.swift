import Crypto
import Foundation

/// The client side of SCRAM-SHA-256 (RFC 5802, RFC 7677) without channel
/// binding, as Warden uses it to sign in to an upstream PostgreSQL.
///
/// Three steps: ``clientFirstMessage``, then ``receiveServerFirst(_:)``
/// yields the client-final-message, then ``verifyServerFinal(_:)`` checks the
/// server's signature, which proves the server knows the password too (a
/// server that skips or fakes this step must not be trusted).
struct SCRAMSHA256Client {
    static let mechanism = "SCRAM-SHA-256"
    /// No channel binding ("n"), no authzid.
    static let gs2Header = "n,,"
    /// An upstream asking for more iterations than this is refused: the work
    /// runs inline on the caller's thread.
    static let maxIterations = 1_000_000

    enum SCRAMError: Error, Equatable, Sendable {
        case malformedServerFirst
        case nonceMismatch
        case invalidIterationCount(Int)
        case malformedServerFinal
        case serverError(String)
        case serverSignatureMismatch
        case unexpectedMessage
    }

    private enum State {
        case initial
        case sentClientFinal(serverSignature: [UInt8])
        case verified
        case failed
    }

    private let password: String
    private let clientNonce: String
    private let clientFirstBare: String
    private var state = State.initial

    /// - Parameters:
    ///   - user: the SCRAM user name. PostgreSQL ignores it (it uses the
    ///     StartupMessage user), so libpq and Warden send an empty one.
    ///   - nonce: printable ASCII without ','; see ``makeNonce()``.
    init(user: String = "", password: String, nonce: String) {
        self.password = password
        self.clientNonce = nonce
        self.clientFirstBare = "n=\(Self.saslName(user)),r=\(nonce)"
    }

    var clientFirstMessage: [UInt8] { Array((Self.gs2Header + clientFirstBare).utf8) }

    var isVerified: Bool {
        if case .verified = state { return true }
        return false
    }

    /// Processes the server-first-message and returns the client-final-message.
    mutating func receiveServerFirst(_ message: [UInt8]) throws(SCRAMError) -> [UInt8] {
        guard case .initial = state else { throw .unexpectedMessage }
        state = .failed
        guard let serverFirst = String(validating: message, as: UTF8.self) else { throw .malformedServerFirst }
        let attributes = Self.attributes(serverFirst)
        // A mandatory extension ("m=") we do not understand must abort the exchange.
        guard attributes.first?.key != "m",
              let nonce = attributes.first(where: { $0.key == "r" })?.value,
              let saltText = attributes.first(where: { $0.key == "s" })?.value,
              let salt = Data(base64Encoded: saltText),
              let iterationText = attributes.first(where: { $0.key == "i" })?.value
        else { throw .malformedServerFirst }
        guard nonce.hasPrefix(clientNonce), nonce.count > clientNonce.count else { throw .nonceMismatch }
        guard let iterations = Int(iterationText), iterations > 0, iterations <= Self.maxIterations else {
            throw .invalidIterationCount(Int(iterationText) ?? -1)
        }

        let saltedPassword = PBKDF2.hmacSHA256(
            password: Array(SASLPrep.normalize(password).utf8), salt: Array(salt), iterations: iterations)
        let saltedKey = SymmetricKey(data: saltedPassword)
        let clientKey = Array(HMAC<SHA256>.authenticationCode(for: Array("Client Key".utf8), using: saltedKey))
        let storedKey = Array(SHA256.hash(data: clientKey))
        let channelBinding = Data(Self.gs2Header.utf8).base64EncodedString()
        let clientFinalWithoutProof = "c=\(channelBinding),r=\(nonce)"
        let authMessage = Array("\(clientFirstBare),\(serverFirst),\(clientFinalWithoutProof)".utf8)
        let clientSignature = Array(HMAC<SHA256>.authenticationCode(
            for: authMessage, using: SymmetricKey(data: storedKey)))
        let proof = zip(clientKey, clientSignature).map { $0 ^ $1 }
        let serverKey = Array(HMAC<SHA256>.authenticationCode(for: Array("Server Key".utf8), using: saltedKey))
        let serverSignature = Array(HMAC<SHA256>.authenticationCode(
            for: authMessage, using: SymmetricKey(data: serverKey)))

        state = .sentClientFinal(serverSignature: serverSignature)
        return Array("\(clientFinalWithoutProof),p=\(Data(proof).base64EncodedString())".utf8)
    }

    /// Checks the server-final-message (`v=<signature>` or `e=<error>`).
    mutating func verifyServerFinal(_ message: [UInt8]) throws(SCRAMError) {
        guard case .sentClientFinal(let expected) = state else { throw .unexpectedMessage }
        state = .failed
        guard let text = String(validating: message, as: UTF8.self) else { throw .malformedServerFinal }
        let attributes = Self.attributes(text)
        if let error = attributes.first(where: { $0.key == "e" })?.value { throw .serverError(error) }
        guard let signatureText = attributes.first(where: { $0.key == "v" })?.value,
              let signature = Data(base64Encoded: signatureText)
        else { throw .malformedServerFinal }
        guard Self.constantTimeEqual(Array(signature), expected) else { throw .serverSignatureMismatch }
        state = .verified
    }

    /// A fresh client nonce: 18 random bytes, base64 (as libpq does).
    static func makeNonce() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<18).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return Data(bytes).base64EncodedString()
    }

    /// Splits `a=x,b=y` into ordered key/value pairs (values may contain '=').
    private static func attributes(_ message: String) -> [(key: String, value: String)] {
        message.split(separator: ",", omittingEmptySubsequences: false).compactMap { part in
            // Every attribute is one letter, '=', then the value.
            let characters = Array(part)
            guard characters.count >= 2, characters[1] == "=" else { return nil }
            return (String(characters[0]), String(characters[2...]))
        }
    }

    /// RFC 5802 saslname: ',' and '=' are escaped.
    private static func saslName(_ user: String) -> String {
        user.replacingOccurrences(of: "=", with: "=3D").replacingOccurrences(of: ",", with: "=2C")
    }

    private static func constantTimeEqual(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        return zip(lhs, rhs).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
