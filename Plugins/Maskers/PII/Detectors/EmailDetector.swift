/// Email addresses: `local@domain.tld`.
///
/// Anchored on `@`: the local part extends left over the characters addresses
/// use in practice (`A-Z a-z 0-9 . _ % + -`, and letters of any script as
/// in `josé@…`), the domain extends right over labels of letters, digits and
/// hyphens (`bücher.de`). Non-ASCII punctuation (`«`, `’`) is not a letter. Quotes, brackets, colons and spaces end an
/// address, so an address inside JSON (`"email":"ada@example.com"`) or after
/// `mailto:` is found without its surroundings. The domain needs at least two
/// labels and ends with an ASCII top-level label of two or more letters,
/// which rules out `user@localhost`, `a@b` and `@` in code or handles, and
/// leaves trailing punctuation (`example.com.`, `example.com’s`) outside.
struct EmailDetector: Detector {
    func mayMatch(_ traits: TextTraits) -> Bool { traits.isSuperset(of: [.at, .letter, .dot]) }

    func spans(in text: [UInt8]) -> [Range<Int>] {
        var spans: [Range<Int>] = []
        var searchFrom = 0
        var index = 0
        while index < text.count {
            defer { index += 1 }
            guard text[index] == UInt8(ascii: "@") else { continue }
            guard let span = Self.address(around: index, in: text, notBefore: searchFrom) else { continue }
            spans.append(span)
            searchFrom = span.upperBound
            index = span.upperBound - 1
        }
        return spans
    }

    /// The address whose `@` is at `at`, if the bytes around it form one.
    static func address(around at: Int, in text: [UInt8], notBefore floor: Int = 0) -> Range<Int>? {
        var start = at
        while start > floor, at - start < 64 {
            if isLocalByte(text[start - 1]) {
                start -= 1
            } else if text[start - 1] >= 0x80, let letter = text.letterStart(before: start), letter >= floor {
                start = letter
            } else {
                break
            }
        }
        // A local part neither starts nor ends with a dot.
        while start < at, text[start] == UInt8(ascii: ".") { start += 1 }
        guard start < at, text[at - 1] != UInt8(ascii: "."), let end = domainEnd(from: at + 1, in: text) else { return nil }
        return start..<end
    }

    /// Where a valid domain starting at `start` ends, or nil if there is none.
    static func domainEnd(from start: Int, in text: [UInt8]) -> Int? {
        var limit = start
        while limit < text.count {
            if isDomainByte(text[limit]) {
                limit += 1
            } else if text[limit] >= 0x80, let letter = text.letterEnd(from: limit) {
                limit = letter
            } else {
                break
            }
        }
        // The top-level label: after the last dot that is followed by two or
        // more ASCII letters ending at a non-domain character or a dot.
        var dot = limit - 1
        while dot > start {
            defer { dot -= 1 }
            guard text[dot] == UInt8(ascii: ".") else { continue }
            var end = dot + 1
            while end < limit, ASCII.isLetter(text[end]) { end += 1 }
            guard end - dot - 1 >= 2, end == limit || text[end] == UInt8(ascii: ".") else { continue }
            return isDomain(text[start..<end]) ? end : nil
        }
        return nil
    }

    /// Labels of 1–63 bytes, none starting or ending with a hyphen.
    private static func isDomain(_ domain: ArraySlice<UInt8>) -> Bool {
        guard domain.count <= 253 else { return false }
        for label in domain.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false) {
            guard !label.isEmpty, label.count <= 63, label.first != UInt8(ascii: "-"), label.last != UInt8(ascii: "-")
            else { return false }
        }
        return true
    }

    private static func isLocalByte(_ byte: UInt8) -> Bool {
        ASCII.isAlnum(byte) || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_")
            || byte == UInt8(ascii: "%") || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-")
    }

    private static func isDomainByte(_ byte: UInt8) -> Bool {
        ASCII.isAlnum(byte) || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "-")
    }
}
