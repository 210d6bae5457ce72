import WardenPluginSDK

/// Masks a text body through the connection's detectors, line by line as
/// it streams, so that a value is not split between two calls. A line that
/// outgrows ``maxLineBytes`` is cut at whitespace that no digit touches
/// (addresses and identifiers hold no spaces; card numbers hold spaces
/// between digits), else at a character boundary. Lines without a change
/// pass byte for byte.
final class TextBodyFilter: BodyFilter {
    static let maxLineBytes = 64 << 10

    private let host: any ProxyHost
    private let typeName: String
    /// The start of a line whose end has not arrived.
    private var partial: [UInt8] = []
    /// How much of `partial` is known to hold no line break.
    private var scanned = 0

    init(host: any ProxyHost, typeName: String) {
        self.host = host
        self.typeName = typeName
    }

    func feed(_ bytes: UnsafeRawBufferPointer) throws -> [UInt8] {
        partial += bytes
        // Only the new bytes are searched: a long line is not scanned again at every read.
        if let lastBreak = partial[scanned...].lastIndex(of: UInt8(ascii: "\n")) {
            return try take(lastBreak + 1)
        }
        scanned = partial.count
        guard partial.count > Self.maxLineBytes else { return [] }
        return try take(cut())
    }

    func finish() throws -> [UInt8] {
        try take(partial.count)
    }

    /// Where to cut a line too long to hold.
    private func cut() -> Int {
        var index = partial.count - 1
        while index > 0 {
            if Self.isSpace(partial[index]), !Self.isDigit(partial[index - 1]),
               index + 1 >= partial.count || !Self.isDigit(partial[index + 1]) {
                return index + 1
            }
            index -= 1
        }
        // No such space: cut on a character boundary, or anywhere in bytes that are not UTF-8.
        var boundary = partial.count
        while boundary > partial.count - 4, boundary > 0, partial[boundary - 1] & 0xC0 == 0x80 { boundary -= 1 }
        if boundary > 0, partial[boundary - 1] >= 0xC0 { boundary -= 1 }
        return boundary > 0 ? boundary : partial.count
    }

    private func take(_ count: Int) throws -> [UInt8] {
        let lines = Array(partial[..<count])
        partial.removeFirst(count)
        scanned = 0
        guard !lines.isEmpty else { return [] }
        let text = String(decoding: lines, as: UTF8.self)
        let masked = try host.mask([Field(name: "body", source: "", typeName: typeName, value: text)])
        return masked[0].map { Array($0.utf8) } ?? lines
    }

    private static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0D }
    private static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
}
