import CZlib

/// The header blocks of one direction of a SPDY/3 session: one zlib stream
/// across all of them, primed with SPDY's dictionary (§2.6.10.1), each block
/// ending at a sync flush.
final class SPDYHeaderInflater {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    private var stream = z_stream()
    private var ready = false
    /// Decompressed header blocks larger than this are refused: no header block of exec needs a fraction of it.
    private static let maxBlock = 1 << 20

    init() {
        ready = inflateInit_(&stream, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK
    }

    deinit {
        if ready { inflateEnd(&stream) }
    }

    /// The name and value pairs of one compressed header block.
    func headers(_ compressed: [UInt8]) throws(Failure) -> [(name: String, value: String)] {
        guard ready else { throw Failure(description: "zlib could not start") }
        var output: [UInt8] = []
        var input = compressed
        var chunk = [UInt8](repeating: 0, count: 4096)
        var status: Int32 = Z_OK
        input.withUnsafeMutableBufferPointer { source in
            stream.next_in = source.baseAddress
            stream.avail_in = UInt32(source.count)
            repeat {
                chunk.withUnsafeMutableBufferPointer { target in
                    stream.next_out = target.baseAddress
                    stream.avail_out = UInt32(target.count)
                    status = inflate(&stream, Z_SYNC_FLUSH)
                    if status == Z_NEED_DICT {
                        status = SPDYDictionary.bytes.withUnsafeBufferPointer {
                            inflateSetDictionary(&stream, $0.baseAddress, UInt32($0.count))
                        }
                    }
                    output += target[0..<(target.count - Int(stream.avail_out))]
                }
            } while status == Z_OK && (stream.avail_in > 0 || stream.avail_out == 0) && output.count <= Self.maxBlock
            stream.next_in = nil
        }
        guard status == Z_OK || status == Z_BUF_ERROR, output.count <= Self.maxBlock else {
            throw Failure(description: "a SPDY header block that does not inflate (zlib status \(status))")
        }
        return try Self.pairs(output)
    }

    /// `count (32) | [name length (32) | name | value length (32) | value]…`
    private static func pairs(_ block: [UInt8]) throws(Failure) -> [(name: String, value: String)] {
        var index = 0
        func take(_ count: Int) throws(Failure) -> ArraySlice<UInt8> {
            guard count >= 0, block.count - index >= count else { throw Failure(description: "a SPDY header block cut short") }
            defer { index += count }
            return block[index..<(index + count)]
        }
        func length() throws(Failure) -> Int {
            Int(SPDYFrameReader.uint32(Array(try take(4)), at: 0))
        }
        var pairs: [(name: String, value: String)] = []
        let count = try length()
        // No stream of exec or port-forward needs many; past this the stream's type could hide.
        guard count <= 1024 else { throw Failure(description: "a SPDY header block of \(count) headers") }
        for _ in 0..<count {
            let name = String(decoding: try take(try length()), as: UTF8.self)
            let value = String(decoding: try take(try length()), as: UTF8.self)
            pairs.append((name, value))
        }
        return pairs
    }
}
