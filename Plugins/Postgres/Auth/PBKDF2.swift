import Crypto

/// `Hi()` from RFC 5802 §2.2: PBKDF2 with HMAC-SHA-256 and a single output block.
///
/// Written as the HMAC loop because the plugin depends on `Crypto` only, not
/// on `CryptoExtras`.
enum PBKDF2 {
    static func hmacSHA256(password: [UInt8], salt: [UInt8], iterations: Int) -> [UInt8] {
        let key = SymmetricKey(data: password)
        // U1 = HMAC(password, salt || INT(1))
        var u = Array(HMAC<SHA256>.authenticationCode(for: salt + [0, 0, 0, 1], using: key))
        var result = u
        var round = 1
        while round < iterations {
            u = Array(HMAC<SHA256>.authenticationCode(for: u, using: key))
            for index in result.indices { result[index] ^= u[index] }
            round += 1
        }
        return result
    }
}
