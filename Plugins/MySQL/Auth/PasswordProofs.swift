import Crypto
import _CryptoExtras

/// The proofs of a password that MySQL's authentication methods send in
/// place of the password itself, computed over the server's scramble.
enum PasswordProof {
    /// mysql_native_password: SHA1(password) XOR SHA1(scramble + SHA1(SHA1(password))).
    static func nativePassword(_ password: String, scramble: [UInt8]) -> [UInt8] {
        guard !password.isEmpty else { return [] }
        let stage1 = Array(Insecure.SHA1.hash(data: Array(password.utf8)))
        let stage2 = Array(Insecure.SHA1.hash(data: stage1))
        let salted = Array(Insecure.SHA1.hash(data: Array(scramble.prefix(20)) + stage2))
        return zip(stage1, salted).map { $0 ^ $1 }
    }

    /// caching_sha2_password's fast path: SHA256(password) XOR SHA256(SHA256(SHA256(password)) + scramble).
    static func cachingSHA2(_ password: String, scramble: [UInt8]) -> [UInt8] {
        guard !password.isEmpty else { return [] }
        let stage1 = Array(SHA256.hash(data: Array(password.utf8)))
        let stage2 = Array(SHA256.hash(data: stage1))
        let salted = Array(SHA256.hash(data: stage2 + Array(scramble.prefix(20))))
        return zip(stage1, salted).map { $0 ^ $1 }
    }

    /// caching_sha2_password's full path without TLS: the NUL-terminated
    /// password XOR the scramble, encrypted with the server's RSA key (OAEP).
    static func rsaEncryptedPassword(_ password: String, scramble: [UInt8], publicKeyPEM: String) throws -> [UInt8] {
        let key = try _RSA.Encryption.PublicKey(pemRepresentation: publicKeyPEM)
        let salt = Array(scramble.prefix(20))
        let plain = (Array(password.utf8) + [0]).enumerated().map { $0.element ^ salt[$0.offset % salt.count] }
        return Array(try key.encrypt(plain, padding: .PKCS1_OAEP))
    }
}
