/// IPv6 addresses, full (`2001:0db8:0000:0000:0000:ff00:0042:8329`) and
/// compressed (`2001:db8::ff00:42:8329`, `fe80::1`, `::1`), including a
/// trailing dotted IPv4 part (`::ffff:192.0.2.128`).
///
/// Candidates are runs of hex digits, colons and dots that touch no other
/// letter or digit; a candidate needs two colons and must parse as an address: groups of one to
/// four hex digits, eight of them, or fewer with exactly one `::`. Times
/// (`10:30:45`) and MAC addresses (`00:1a:2b:3c:4d:5e`) do not parse. A
/// zone (`%eth0`), a port after brackets (`[::1]:5432`) or a prefix length
/// (`/64`) is left in place.
struct IPv6Detector: Detector {
    func mayMatch(_ traits: TextTraits) -> Bool { traits.contains(.colon) }

    func spans(in text: [UInt8]) -> [Range<Int>] {
        var spans: [Range<Int>] = []
        var index = 0
        while index < text.count {
            guard Self.isCandidateByte(text[index]) else {
                index += 1
                continue
            }
            var end = index
            var colons = 0
            while end < text.count, Self.isCandidateByte(text[end]) {
                if text[end] == Self.colon { colons += 1 }
                end += 1
            }
            if colons >= 2, text.wordStarts(at: index), text.wordEnds(at: end),
               let span = Self.address(in: index..<end, text: text) {
                spans.append(span)
            }
            index = end
        }
        return spans
    }

    /// The address a candidate run holds, after trimming sentence punctuation.
    static func address(in run: Range<Int>, text: [UInt8]) -> Range<Int>? {
        var end = run.upperBound
        while end > run.lowerBound, text[end - 1] == UInt8(ascii: ".") { end -= 1 }
        // "at fe80::1: the link" – a single trailing colon is punctuation; "fe80::" is an address.
        if end - run.lowerBound >= 2, text[end - 1] == UInt8(ascii: ":"), text[end - 2] != UInt8(ascii: ":") { end -= 1 }
        let candidate = run.lowerBound..<end
        return isAddress(text[candidate]) ? candidate : nil
    }

    static func isAddress(_ candidate: ArraySlice<UInt8>) -> Bool {
        guard (2...45).contains(candidate.count), candidate.count(where: { $0 == colon }) >= 2 else { return false }
        let text = Array(candidate)
        guard let compression = firstCompression(in: text, from: 0) else {
            return groups(in: text[...], allowingIPv4: true) == 8
        }
        // ":::" or a second "::" is not an address.
        guard firstCompression(in: text, from: compression + 1) == nil,
              let head = groups(in: text[..<compression], allowingIPv4: false),
              let tail = groups(in: text[(compression + 2)...], allowingIPv4: true)
        else { return false }
        // A lone "::" (the unspecified address) is no one's address, and common in code.
        return (1...7).contains(head + tail)
    }

    /// How many 16-bit groups `part` (colon-separated, no "::") holds, or nil
    /// if it is malformed. A dotted IPv4 address may only come last.
    private static func groups(in part: ArraySlice<UInt8>, allowingIPv4: Bool) -> Int? {
        guard !part.isEmpty else { return 0 }
        let pieces = part.split(separator: colon, omittingEmptySubsequences: false)
        var count = 0
        for (position, piece) in pieces.enumerated() {
            if allowingIPv4, position == pieces.count - 1, piece.contains(UInt8(ascii: ".")) {
                let bytes = Array(piece)
                guard IPv4Detector.address(at: 0, in: bytes) == bytes.count else { return nil }
                count += 2
            } else {
                guard (1...4).contains(piece.count), piece.allSatisfy(ASCII.isHexDigit) else { return nil }
                count += 1
            }
        }
        return count
    }

    private static func firstCompression(in text: [UInt8], from start: Int) -> Int? {
        var index = start
        while index + 1 < text.count {
            if text[index] == colon, text[index + 1] == colon { return index }
            index += 1
        }
        return nil
    }

    private static let colon = UInt8(ascii: ":")

    private static func isCandidateByte(_ byte: UInt8) -> Bool {
        ASCII.isHexDigit(byte) || byte == UInt8(ascii: ":") || byte == UInt8(ascii: ".")
    }
}
