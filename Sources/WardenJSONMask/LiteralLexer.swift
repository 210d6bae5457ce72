/// Matches `true`, `false`, `null`, or a leading UTF-8 byte order mark,
/// across chunk boundaries. These are never masked, so their bytes are passed
/// on as they arrive and only this small cursor is kept.
struct LiteralLexer: Sendable {
    enum Kind: Int, Sendable {
        case `true`, `false`, null, byteOrderMark
    }

    private static let spellings: [[UInt8]] = [Array("true".utf8), Array("false".utf8), Array("null".utf8), [0xEF, 0xBB, 0xBF]]
    private static let names = ["true", "false", "null", "byte order mark"]

    private(set) var kind = Kind.null
    private var matched = 0

    /// Starts a literal whose first byte was already checked by the caller.
    mutating func start(_ kind: Kind) {
        self.kind = kind
        matched = 1
    }

    /// Scans `bytes[start...]`; returns the index just past the literal, or
    /// nil when the chunk ended inside it.
    mutating func scan(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) throws(ScanError) -> Int? {
        let spelling = Self.spellings[kind.rawValue]
        var i = start
        while i < bytes.count, matched < spelling.count {
            guard bytes[i] == spelling[matched] else {
                throw ScanError(.syntax, at: i, "invalid literal (expected \(Self.names[kind.rawValue]))")
            }
            matched += 1
            i += 1
        }
        return matched == spelling.count ? i : nil
    }
}
