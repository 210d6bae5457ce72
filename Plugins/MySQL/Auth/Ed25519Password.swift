import CSodium
import Crypto

/// MariaDB's `ed25519` sign-in (client_ed25519): an Ed25519 signature of
/// the server's scramble with a key derived from the password. The
/// password itself is the "seed" — of any length, hashed with SHA-512 as
/// RFC 8032 hashes a 32-byte seed — which is why no standard Ed25519 API
/// (all of them take 32-byte seeds) can make it, and the signature is
/// built from libsodium's group operations instead.
enum Ed25519Password {
    static func sign(_ message: [UInt8], password: String) -> [UInt8] {
        _ = sodium_init()
        let hash = Array(SHA512.hash(data: Array(password.utf8)))
        var secret = Array(hash[0..<32])
        secret[0] &= 248
        secret[31] &= 127
        secret[31] |= 64
        let prefix = Array(hash[32..<64])

        // A = aB, the public key; the secret scalar reduced mod L for the arithmetic below.
        var publicKey = [UInt8](repeating: 0, count: 32)
        _ = crypto_scalarmult_ed25519_base_noclamp(&publicKey, secret)
        let a = reduced(secret + [UInt8](repeating: 0, count: 32))

        // r = H(prefix || M) mod L; R = rB.
        let r = reduced(Array(SHA512.hash(data: prefix + message)))
        var commitment = [UInt8](repeating: 0, count: 32)
        _ = crypto_scalarmult_ed25519_base_noclamp(&commitment, r)

        // S = r + H(R || A || M) a mod L.
        let challenge = reduced(Array(SHA512.hash(data: commitment + publicKey + message)))
        var product = [UInt8](repeating: 0, count: 32), s = [UInt8](repeating: 0, count: 32)
        crypto_core_ed25519_scalar_mul(&product, challenge, a)
        crypto_core_ed25519_scalar_add(&s, r, product)
        return commitment + s
    }

    /// A 64-byte little-endian number reduced modulo the group order L.
    private static func reduced(_ wide: [UInt8]) -> [UInt8] {
        var result = [UInt8](repeating: 0, count: 32)
        crypto_core_ed25519_scalar_reduce(&result, wide)
        return result
    }
}
