import Crypto

/// A keyed digest of values: HMAC-SHA256, shown as `h:` and the first 16 hex
/// digits (64 bits).
///
/// Keyed, unlike a plain hash, so nobody without the key can confirm a guess
/// of a value from its digest (card numbers and phone numbers are easy to
/// enumerate). Deterministic, so the same value masks the same way in every
/// row, column and session, and masked columns can still be joined and
/// counted. 64 bits keep the output short while collisions stay unlikely
/// below billions of distinct values.
struct HMACDigest: Sendable {
    private let key: SymmetricKey

    init(key: [UInt8]) {
        self.key = SymmetricKey(data: key)
    }

    func token(for value: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Array(value.utf8), using: key)
        var text = "h:"
        for byte in mac.prefix(8) {
            text.append(Self.hexDigits[Int(byte >> 4)])
            text.append(Self.hexDigits[Int(byte & 0x0F)])
        }
        return text
    }

    private static let hexDigits = Array("0123456789abcdef")
}
