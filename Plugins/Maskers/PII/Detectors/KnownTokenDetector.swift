/// Credentials whose vendors give them a recognizable prefix: cloud access
/// key ids and platform tokens. Each rule is a prefix, the alphabet of the
/// rest and its length; the whole token must be a word of its own.
struct KnownTokenDetector: Detector {
    struct Rule: Sendable {
        var prefixes: [[UInt8]]
        var body: @Sendable (UInt8) -> Bool
        var length: ClosedRange<Int>

        init(prefixes: [String], body: @escaping @Sendable (UInt8) -> Bool, length: ClosedRange<Int>) {
            self.prefixes = prefixes.map { Array($0.utf8) }
            self.body = body
            self.length = length
        }
    }

    static let rules: [Rule] = [
        // AWS access key ids: long-term (AKIA) and temporary (ASIA).
        Rule(prefixes: ["AKIA", "ASIA"],
             body: { ASCII.isUpper($0) || ASCII.isDigit($0) }, length: 16...16),
        // GitHub classic tokens (36 characters after the prefix) and fine-grained tokens.
        Rule(prefixes: ["ghp_", "gho_", "ghu_", "ghs_", "ghr_"], body: ASCII.isAlnum, length: 30...255),
        Rule(prefixes: ["github_pat_"],
             body: { ASCII.isAlnum($0) || $0 == UInt8(ascii: "_") }, length: 22...255),
        // Slack bot, app, user, refresh and legacy tokens.
        Rule(prefixes: ["xoxb-", "xoxa-", "xoxp-", "xoxr-", "xoxs-"],
             body: { ASCII.isAlnum($0) || $0 == UInt8(ascii: "-") }, length: 10...255),
        // Google API keys and Stripe secret and restricted keys.
        Rule(prefixes: ["AIza"], body: ASCII.isTokenByte, length: 35...35),
        Rule(prefixes: ["sk_live_", "rk_live_", "sk_test_", "rk_test_"], body: ASCII.isAlnum, length: 16...255),
    ]

    /// The first bytes of every prefix: most positions are rejected by one lookup.
    static let firstBytes: [Bool] = {
        var table = [Bool](repeating: false, count: 256)
        for rule in rules { for prefix in rule.prefixes { table[Int(prefix[0])] = true } }
        return table
    }()

    func mayMatch(_ traits: TextTraits) -> Bool { traits.contains(.letter) }

    func spans(in text: [UInt8]) -> [Range<Int>] {
        let firstBytes = Self.firstBytes
        var spans: [Range<Int>] = []
        var index = 0
        while index < text.count {
            if firstBytes[Int(text[index])], text.wordStarts(at: index), let end = Self.token(at: index, in: text) {
                spans.append(index..<end)
                index = end
            } else {
                index += 1
            }
        }
        return spans
    }

    /// The end of a token of any rule starting at `start`.
    static func token(at start: Int, in text: [UInt8]) -> Int? {
        for rule in rules {
            for prefix in rule.prefixes where text[start] == prefix[0] && text.hasPrefix(prefix, at: start) {
                var end = start + prefix.count
                while end < text.count, rule.body(text[end]) { end += 1 }
                if rule.length.contains(end - start - prefix.count), text.wordEnds(at: end) { return end }
            }
        }
        return nil
    }
}
