/// PEM private key blocks, from `-----BEGIN … PRIVATE KEY-----` to the
/// matching `-----END … PRIVATE KEY-----`, across lines (real newlines or the
/// `\n` escapes of a JSON string alike: only the two markers are matched).
///
/// Any label containing `PRIVATE KEY` counts (`RSA`, `EC`, `ENCRYPTED`,
/// `OPENSSH`, `PGP … BLOCK`). A block whose END marker is missing, as in a
/// truncated value, is masked to the end of the text: a partial key is still
/// a key.
struct PrivateKeyDetector: Detector {
    private static let begin = Array("-----BEGIN ".utf8)
    private static let end = Array("-----END ".utf8)
    private static let dashes = Array("-----".utf8)
    private static let privateKey = Array("PRIVATE KEY".utf8)

    func mayMatch(_ traits: TextTraits) -> Bool { traits.isSuperset(of: [.hyphen, .letter]) }

    func spans(in text: [UInt8]) -> [Range<Int>] {
        let begin = Self.begin  // read once: a static is checked for initialization on every access
        var spans: [Range<Int>] = []
        var index = 0
        while index + begin.count <= text.count {
            guard text[index] == UInt8(ascii: "-"), text.hasPrefix(begin, at: index),
                  let label = Self.label(after: index + begin.count, in: text)
            else {
                index += 1
                continue
            }
            let closing = Self.end + Array(text[label]) + Self.dashes
            let blockEnd = Self.find(closing, in: text, from: label.upperBound).map { $0 + closing.count } ?? text.count
            spans.append(index..<blockEnd)
            index = blockEnd
        }
        return spans
    }

    /// The label of a BEGIN marker (`RSA PRIVATE KEY`) if it names a private key.
    private static func label(after start: Int, in text: [UInt8]) -> Range<Int>? {
        var position = start
        while position < text.count, position - start <= 64,
              ASCII.isUpper(text[position]) || ASCII.isDigit(text[position]) || text[position] == UInt8(ascii: " ") {
            position += 1
        }
        guard text.hasPrefix(dashes, at: position), find(privateKey, in: Array(text[start..<position]), from: 0) != nil
        else { return nil }
        return start..<position
    }

    static func find(_ needle: [UInt8], in text: [UInt8], from start: Int) -> Int? {
        guard let first = needle.first else { return start }
        var index = start
        while index + needle.count <= text.count {
            if text[index] == first, text.hasPrefix(needle, at: index) { return index }
            index += 1
        }
        return nil
    }
}
