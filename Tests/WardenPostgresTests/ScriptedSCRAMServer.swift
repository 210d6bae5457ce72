import Crypto
import Foundation
import Testing
@testable import WardenPostgres

/// The server side of SCRAM-SHA-256, computed independently in the test so the
/// session machine's client can be driven end to end.
struct ScriptedSCRAMServer {
    let password: String
    let salt: [UInt8] = Array("warden-test-salt".utf8)
    let iterations = 4096
    let serverNonce = "serverNonce+/XYZ"
    private var clientFirstBare = ""
    private var serverFirst = ""

    init(password: String) { self.password = password }

    /// Reads a SASLInitialResponse message and returns the server-first-message.
    mutating func serverFirst(forInitialResponse message: [UInt8]) throws -> [UInt8] {
        let frame = try #require(Bytes.messages(message).first)
        var reader = ByteReader(frame.body)
        #expect(reader.readCString() == "SCRAM-SHA-256")
        let length = reader.readInt32()
        let data = try #require(length.flatMap { reader.readBytes(Int($0)) })
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.hasPrefix("n,,n=,r="))
        clientFirstBare = String(text.dropFirst(3))
        let clientNonce = String(clientFirstBare.dropFirst(5))
        serverFirst = "r=\(clientNonce)\(serverNonce),s=\(Data(salt).base64EncodedString()),i=\(iterations)"
        return Array(serverFirst.utf8)
    }

    /// Checks the client proof in a SASLResponse; returns the server-final-message, or nil if the proof is wrong.
    func serverFinal(forResponse message: [UInt8]) throws -> [UInt8]? {
        let frame = try #require(Bytes.messages(message).first)
        let clientFinal = String(decoding: frame.body, as: UTF8.self)
        let proofRange = try #require(clientFinal.range(of: ",p="))
        let withoutProof = String(clientFinal[..<proofRange.lowerBound])
        let proof = try #require(Data(base64Encoded: String(clientFinal[proofRange.upperBound...])))
        let authMessage = Array("\(clientFirstBare),\(serverFirst),\(withoutProof)".utf8)

        let salted = SymmetricKey(data: PBKDF2.hmacSHA256(
            password: Array(password.utf8), salt: salt, iterations: iterations))
        let storedKey = Data(SHA256.hash(data: Data(HMAC<SHA256>.authenticationCode(
            for: Array("Client Key".utf8), using: salted))))
        let clientSignature = Data(HMAC<SHA256>.authenticationCode(for: authMessage, using: SymmetricKey(data: storedKey)))
        let clientKey = zip(proof, clientSignature).map { $0 ^ $1 }
        guard Data(SHA256.hash(data: clientKey)) == storedKey else { return nil }
        let serverKey = HMAC<SHA256>.authenticationCode(for: Array("Server Key".utf8), using: salted)
        let serverSignature = Data(HMAC<SHA256>.authenticationCode(for: authMessage, using: SymmetricKey(data: Data(serverKey))))
        return Array("v=\(serverSignature.base64EncodedString())".utf8)
    }
}
