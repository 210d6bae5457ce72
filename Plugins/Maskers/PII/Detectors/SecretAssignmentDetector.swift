/// Values assigned to names that say they are secret: `password=…`,
/// `"api_key": "…"`, `DB_PASSWORD=…`, `X-Api-Key: …`, `client_secret=…`.
///
/// A name matches when it ends with one of ``keywords`` (any case), so
/// `db_password` and `refresh_token` match but `token_count` and
/// `max_tokens` do not. After the name come an optional closing quote, `=`
/// or `:` (not `==`), and the value: the inside of a quoted string, or a bare
/// word up to whitespace or `, ; & ) ] }`. Only the value is masked, so the
/// text stays readable and JSON stays well formed. The bare words `null`,
/// `true` and `false`, and nested objects and lists, are not secrets and stay.
struct SecretAssignmentDetector: Detector {
    static let keywords: [[UInt8]] = [
        "password", "passwd", "pwd", "passphrase", "secret", "token",
        "apikey", "api_key", "api-key", "access_key", "secret_key", "private_key",
    ].map { Array($0.utf8) }

    func mayMatch(_ traits: TextTraits) -> Bool { !traits.isDisjoint(with: [.equals, .colon]) }

    private static let literals: [[UInt8]] = ["null", "true", "false"].map { Array($0.utf8) }

    func spans(in text: [UInt8]) -> [Range<Int>] {
        var spans: [Range<Int>] = []
        var index = 0
        while index < text.count {
            guard Self.isNameByte(text[index]) else {
                index += 1
                continue
            }
            var nameEnd = index
            while nameEnd < text.count, Self.isNameByte(text[nameEnd]) { nameEnd += 1 }
            // The cheap test first: most names are not followed by `=` or `:`.
            if let value = Self.value(after: nameEnd, in: text), Self.isSecretName(text[index..<nameEnd]) {
                spans.append(value)
                index = value.upperBound
            } else {
                index = nameEnd
            }
        }
        return spans
    }

    static func isSecretName(_ name: ArraySlice<UInt8>) -> Bool {
        keywords.contains { keyword in
            name.count >= keyword.count && Array(name).hasPrefixIgnoringCase(keyword, at: name.count - keyword.count)
        }
    }

    /// The assigned value after a name that ends at `nameEnd`.
    static func value(after nameEnd: Int, in text: [UInt8]) -> Range<Int>? {
        var position = nameEnd
        if position < text.count, isQuote(text[position]) { position += 1 }
        position = skipBlanks(from: position, in: text)
        guard position < text.count, text[position] == UInt8(ascii: "=") || text[position] == UInt8(ascii: ":") else {
            return nil
        }
        position += 1
        // A comparison, not an assignment.
        guard position >= text.count || text[position] != UInt8(ascii: "=") else { return nil }
        position = skipBlanks(from: position, in: text)
        guard position < text.count else { return nil }
        if isQuote(text[position]) { return quoted(from: position, in: text) }
        // An object or list is structure, not a secret; its strings are scanned on their own.
        guard text[position] != UInt8(ascii: "{"), text[position] != UInt8(ascii: "[") else { return nil }
        var end = position
        while end < text.count, !isBareValueEnd(text[end]) { end += 1 }
        guard end > position, !literals.contains(where: { $0[...] == text[position..<end] }) else { return nil }
        return position..<end
    }

    /// The inside of the string whose opening quote is at `open`, escapes
    /// skipped; an unterminated string runs to the end of its line.
    private static func quoted(from open: Int, in text: [UInt8]) -> Range<Int>? {
        let quote = text[open]
        var end = open + 1
        while end < text.count, text[end] != quote, text[end] != UInt8(ascii: "\n") {
            end += text[end] == UInt8(ascii: "\\") ? 2 : 1
        }
        end = min(end, text.count)
        return end > open + 1 ? open + 1..<end : nil
    }

    private static func skipBlanks(from start: Int, in text: [UInt8]) -> Int {
        var position = start
        while position < text.count, text[position] == UInt8(ascii: " ") || text[position] == UInt8(ascii: "\t") {
            position += 1
        }
        return position
    }

    private static func isNameByte(_ byte: UInt8) -> Bool {
        ASCII.isAlnum(byte) || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
    }

    private static func isQuote(_ byte: UInt8) -> Bool { byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") }

    private static func isBareValueEnd(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"),
             UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "&"), UInt8(ascii: "\""), UInt8(ascii: "'"),
             UInt8(ascii: ")"), UInt8(ascii: "]"), UInt8(ascii: "}"), UInt8(ascii: "<"), UInt8(ascii: ">"):
            return true
        default:
            return false
        }
    }
}
