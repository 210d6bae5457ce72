/// Bearer tokens and JSON Web Tokens.
///
/// - `Bearer <token>` (any case): the token is masked, the word `Bearer`
///   kept. The token must be 16 or more characters of the RFC 6750 alphabet
///   and contain a digit, so prose ("bearer of bad news") is not matched.
/// - JWT-like tokens anywhere: three base64url segments joined by dots whose
///   first segment starts with `eyJ` (the encoding of `{"`); the signature
///   may be empty (`alg: none`).
struct TokenDetector: Detector {
    private static let bearer = Array("bearer".utf8)
    private static let jwtStart = Array("eyJ".utf8)

    func mayMatch(_ traits: TextTraits) -> Bool { traits.contains(.letter) }

    func spans(in text: [UInt8]) -> [Range<Int>] {
        var spans: [Range<Int>] = []
        var index = 0
        while index < text.count {
            let match: Range<Int>? = switch text[index] {
            case UInt8(ascii: "e"): Self.jwt(at: index, in: text)
            case UInt8(ascii: "b"), UInt8(ascii: "B"): Self.bearerToken(at: index, in: text)
            default: nil
            }
            if let match {
                spans.append(match)
                index = match.upperBound
            } else {
                index += 1
            }
        }
        return spans
    }

    /// The token after a `Bearer` word that starts at `start`.
    static func bearerToken(at start: Int, in text: [UInt8]) -> Range<Int>? {
        guard text.wordStarts(at: start), text.hasPrefixIgnoringCase(bearer, at: start)
        else { return nil }
        var tokenStart = start + bearer.count
        guard tokenStart < text.count, text[tokenStart] == UInt8(ascii: " ") || text[tokenStart] == UInt8(ascii: "\t")
        else { return nil }
        while tokenStart < text.count, text[tokenStart] == UInt8(ascii: " ") || text[tokenStart] == UInt8(ascii: "\t") {
            tokenStart += 1
        }
        var end = tokenStart
        while end < text.count, isBearerByte(text[end]) { end += 1 }
        while end < text.count, text[end] == UInt8(ascii: "=") { end += 1 }
        let token = text[tokenStart..<end]
        guard token.count >= 16, token.contains(where: ASCII.isDigit) else { return nil }
        return tokenStart..<end
    }

    /// A JWT-like token starting at `start`.
    static func jwt(at start: Int, in text: [UInt8]) -> Range<Int>? {
        guard text.hasPrefix(jwtStart, at: start),
              start == 0 || !(ASCII.isTokenByte(text[start - 1]) || text[start - 1] == UInt8(ascii: "."))
        else { return nil }
        var position = start
        var segments: [Int] = []  // the length of each segment
        while segments.count < 3 {
            let segmentStart = position
            while position < text.count, ASCII.isTokenByte(text[position]) { position += 1 }
            segments.append(position - segmentStart)
            guard segments.count < 3 else { break }
            guard position < text.count, text[position] == UInt8(ascii: ".") else { return nil }
            position += 1
        }
        guard segments[0] >= 10, segments[1] >= 2,
              position == text.count || !(text[position] == UInt8(ascii: ".") || ASCII.isTokenByte(text[position]))
        else { return nil }
        return start..<position
    }

    /// The `b64token` alphabet of RFC 6750, without the trailing `=`.
    private static func isBearerByte(_ byte: UInt8) -> Bool {
        ASCII.isTokenByte(byte) || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "~")
            || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "/")
    }
}
