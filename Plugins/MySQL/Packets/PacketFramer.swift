/// One logical MySQL packet: a payload of any length, with the sequence id
/// of its first physical packet. Payloads of 16 MiB - 1 bytes or more
/// travel as several physical packets; the framer joins them and
/// ``PacketFramer/frame(_:sequence:)`` splits them again.
struct MySQLPacket: Equatable, Sendable {
    var sequence: UInt8
    var payload: [UInt8]

    var first: UInt8? { payload.first }
}

/// Cuts a byte stream into logical packets.
struct PacketFramer {
    /// A physical packet's largest payload; a payload of exactly this length continues in the next packet.
    static let maxPhysicalPayload = 0xFF_FFFF

    private var buffer: [UInt8] = []
    private var readOffset = 0
    /// The parts of a logical packet whose last physical packet has not come yet.
    private var partial: MySQLPacket?
    /// A logical packet larger than this is refused without being buffered whole.
    let maxPayload: Int
    /// The next physical packet's expected sequence id, when one is expected.
    private(set) var lastSequence: UInt8 = 0

    init(maxPayload: Int) { self.maxPayload = maxPayload }

    var bufferedCount: Int { buffer.count - readOffset + (partial?.payload.count ?? 0) }

    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        if readOffset > 0, readOffset == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            readOffset = 0
        }
        buffer.append(contentsOf: bytes)
    }

    mutating func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { append($0) }
    }

    /// Takes out every byte not yet framed (after an SSLRequest: the
    /// client's TLS handshake, which the host must read instead).
    mutating func takeUnframed() -> [UInt8] {
        defer {
            buffer.removeAll()
            readOffset = 0
        }
        return Array(buffer[readOffset...])
    }

    /// The next whole logical packet, or nil until more bytes arrive.
    mutating func next() throws(MySQLProtocolError) -> MySQLPacket? {
        while buffer.count - readOffset >= 4 {
            let length = Int(buffer[readOffset]) | Int(buffer[readOffset + 1]) << 8 | Int(buffer[readOffset + 2]) << 16
            let sequence = buffer[readOffset + 3]
            if (partial?.payload.count ?? 0) + length > maxPayload {
                throw .malformed("a packet of more than \(maxPayload) bytes")
            }
            guard buffer.count - readOffset >= 4 + length else { return nil }
            let body = buffer[(readOffset + 4)..<(readOffset + 4 + length)]
            readOffset += 4 + length
            lastSequence = sequence
            if readOffset == buffer.count {
                buffer.removeAll(keepingCapacity: buffer.capacity <= 1 << 20)
                readOffset = 0
            }
            if var joined = partial {
                joined.payload.append(contentsOf: body)
                partial = joined
            } else {
                partial = MySQLPacket(sequence: sequence, payload: Array(body))
            }
            if length < Self.maxPhysicalPayload {
                defer { partial = nil }
                return partial
            }
        }
        return nil
    }

    /// The wire bytes of `payload`, split into physical packets numbered from
    /// `sequence`, which is left at the next number to use.
    static func frame(_ payload: [UInt8], sequence: inout UInt8, into output: inout [UInt8]) {
        var start = 0
        repeat {
            let length = min(maxPhysicalPayload, payload.count - start)
            output.append(UInt8(length & 0xFF))
            output.append(UInt8((length >> 8) & 0xFF))
            output.append(UInt8(length >> 16))
            output.append(sequence)
            sequence &+= 1
            output.append(contentsOf: payload[start..<start + length])
            start += length
            // A payload that fills its last packet exactly ends with an empty one.
            if length < maxPhysicalPayload { break }
        } while true
    }

    static func frame(_ payload: [UInt8], sequence: UInt8) -> [UInt8] {
        var sequence = sequence, output: [UInt8] = []
        output.reserveCapacity(payload.count + 4)
        frame(payload, sequence: &sequence, into: &output)
        return output
    }
}
