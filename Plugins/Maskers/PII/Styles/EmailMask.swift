/// Masking an email address but keeping its domain: `ada@example.com`
/// becomes `****@example.com`, so reports by organization still work.
enum EmailMask {
    /// The masked address, or `replacement` alone when `value` is not one
    /// email address (surrounding text, several addresses or none): the safe
    /// outcome for something that is not what the rule expected.
    static func mask(_ value: String, replacement: String) -> String {
        let bytes = Array(value.utf8)
        guard let at = bytes.lastIndex(of: UInt8(ascii: "@")),
              EmailDetector.address(around: at, in: bytes) == 0..<bytes.count
        else { return replacement }
        return replacement + String(decoding: bytes[at...], as: UTF8.self)
    }
}
