/// SPDY/3.1 framing (draft-mbelshe-httpbis-spdy-00 §2.2), read from one
/// direction of a connection as its bytes pass: kubectl's exec, attach and
/// port-forward streams before WebSocket. Only the framing is read; what a
/// frame means is the caller's.
struct SPDYFrameReader {
    enum Frame: Equatable {
        /// A control frame: its type (SYN_STREAM is 1, SYN_REPLY 2,
        /// RST_STREAM 3, SETTINGS 4, PING 6, GOAWAY 7, HEADERS 8,
        /// WINDOW_UPDATE 9), flags and payload.
        case control(type: UInt16, flags: UInt8, payload: [UInt8])
        /// Data for a stream; flag 1 is FIN, the sender's last frame on it.
        case data(stream: UInt32, flags: UInt8, payload: [UInt8])
    }

    struct Malformed: Error, CustomStringConvertible {
        var description: String
    }

    static let finFlag: UInt8 = 1
    /// The 24-bit length allows 16 MiB; spdystream never writes more than this.
    static let maxPayload = 1 << 24

    private var buffer: [UInt8] = []
    private var start = 0

    /// The frames `bytes` complete; bytes of an unfinished frame wait for
    /// the next call. `opened` holds the streams either side opened: a
    /// SYN_STREAM adds to it, and data for any other stream is not SPDY
    /// (bytes of another protocol read as a frame would be).
    mutating func read(_ bytes: UnsafeRawBufferPointer, opened: inout Set<UInt32>) throws(Malformed) -> [Frame] {
        buffer.append(contentsOf: bytes)
        var frames: [Frame] = []
        while buffer.count - start >= 8 {
            let header = buffer[start..<(start + 8)]
            let flags = header[start + 4]
            let length = Int(header[start + 5]) << 16 | Int(header[start + 6]) << 8 | Int(header[start + 7])
            let isControl = header[start] & 0x80 != 0
            let type = UInt16(header[start + 2]) << 8 | UInt16(header[start + 3])
            let stream = Self.uint32(header, at: start) & 0x7FFF_FFFF
            if isControl {
                let version = UInt16(header[start] & 0x7F) << 8 | UInt16(header[start + 1])
                guard version == 3, (1...9).contains(type) else {
                    throw Malformed(description: "not a SPDY/3 control frame (version \(version), type \(type))")
                }
            } else {
                guard opened.contains(stream) else { throw Malformed(description: "SPDY data for stream \(stream), which no side opened") }
            }
            guard buffer.count - start - 8 >= length else { break }
            let payload = Array(buffer[(start + 8)..<(start + 8 + length)])
            if isControl {
                if type == 1, payload.count >= 4 { opened.insert(Self.uint32(payload, at: 0) & 0x7FFF_FFFF) }
                frames.append(.control(type: type, flags: flags, payload: payload))
            } else {
                frames.append(.data(stream: stream, flags: flags, payload: payload))
            }
            start += 8 + length
        }
        // Keep what is unread at the front, without moving it on every call.
        if start > 0, start >= buffer.count / 2 {
            buffer.removeFirst(start)
            start = 0
        }
        return frames
    }

    static func uint32<C: Collection<UInt8>>(_ bytes: C, at index: C.Index) -> UInt32 where C.Index == Int {
        UInt32(bytes[index]) << 24 | UInt32(bytes[index + 1]) << 16 | UInt32(bytes[index + 2]) << 8 | UInt32(bytes[index + 3])
    }
}
