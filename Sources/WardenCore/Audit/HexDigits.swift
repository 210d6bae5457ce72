/// Lowercase hexadecimal, for hashes and JSON escapes.
enum HexDigits {
    static let lowercase = Array("0123456789abcdef".utf8)

    /// `bytes` as two lowercase hex digits each.
    static func string(_ bytes: some Sequence<UInt8>) -> String {
        var text: [UInt8] = []
        text.reserveCapacity(bytes.underestimatedCount * 2)
        for byte in bytes {
            text.append(lowercase[Int(byte >> 4)])
            text.append(lowercase[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
