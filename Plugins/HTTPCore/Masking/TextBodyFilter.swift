import WardenPluginSDK

/// Masks a text body through the connection's detectors, line by line as
/// it streams: a value is never split between two calls unless one line
/// outgrows ``maxLineBytes``. Lines without a change pass byte for byte.
final class TextBodyFilter: BodyFilter {
    static let maxLineBytes = 64 << 10

    private let host: any ProxyHost
    private let typeName: String
    /// The start of a line whose end has not arrived.
    private var partial: [UInt8] = []

    init(host: any ProxyHost, typeName: String) {
        self.host = host
        self.typeName = typeName
    }

    func feed(_ bytes: UnsafeRawBufferPointer) throws -> [UInt8] {
        partial += bytes
        guard let lastBreak = partial.lastIndex(of: UInt8(ascii: "\n")) else {
            guard partial.count > Self.maxLineBytes else { return [] }
            // A line too long to hold: mask what there is, cut on a character boundary.
            var cut = partial.count
            while cut > 0, partial[cut - 1] & 0xC0 == 0x80 { cut -= 1 }
            if cut > 0, partial[cut - 1] >= 0xC0 { cut -= 1 }
            return try take(cut)
        }
        return try take(lastBreak + 1)
    }

    func finish() throws -> [UInt8] {
        try take(partial.count)
    }

    private func take(_ count: Int) throws -> [UInt8] {
        let lines = Array(partial[..<count])
        partial.removeFirst(count)
        guard !lines.isEmpty else { return [] }
        let text = String(decoding: lines, as: UTF8.self)
        let masked = try host.mask([Field(name: "body", source: "", typeName: typeName, value: text)])
        return masked[0].map { Array($0.utf8) } ?? lines
    }
}
