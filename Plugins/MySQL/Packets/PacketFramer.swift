/// One logical MySQL packet: a payload of any length, with the sequence id
/// of its first physical packet. Payloads of 16 MiB - 1 bytes or more
/// travel as several physical packets; the framer joins them and
/// ``PacketFramer/frame(_:sequence:)`` splits them again.
struct MySQLPacket: Equatable, Sendable {
    var sequence: UInt8
    var payload: [UInt8]
    /// Set instead of a payload for a packet longer than the framer takes:
    /// its bytes were dropped as they came, never buffered.
    var droppedLength: Int?

    init(sequence: UInt8, payload: [UInt8], droppedLength: Int? = nil) {
        self.sequence = sequence
        self.payload = payload
        self.droppedLength = droppedLength
    }

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
    /// A packet over ``maxPayload`` being dropped: its first sequence id,
    /// its length so far, and the bytes of the current physical packet still to drop.
    private var dropping: (sequence: UInt8, length: Int, remaining: Int, more: Bool)?

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

    /// The next whole logical packet, or nil until more bytes arrive. A
    /// packet longer than ``maxPayload`` comes back without its payload, with
    /// ``MySQLPacket/droppedLength``, once all of it went by.
    mutating func next() -> MySQLPacket? {
        while true {
            if var drop = dropping {
                let count = min(drop.remaining, buffer.count - readOffset)
                readOffset += count
                drop.remaining -= count
                dropping = drop
                compact()
                guard drop.remaining == 0 else { return nil }
                if !drop.more {
                    dropping = nil
                    return MySQLPacket(sequence: drop.sequence, payload: [], droppedLength: drop.length)
                }
            }
            guard buffer.count - readOffset >= 4 else { return nil }
            let length = Int(buffer[readOffset]) | Int(buffer[readOffset + 1]) << 8 | Int(buffer[readOffset + 2]) << 16
            let sequence = buffer[readOffset + 3]
            let more = length == Self.maxPhysicalPayload
            if var drop = dropping {
                // A continuation of a packet being dropped.
                readOffset += 4
                drop.length += length
                drop.remaining = length
                drop.more = more
                dropping = drop
                continue
            }
            if (partial?.payload.count ?? 0) + length > maxPayload {
                readOffset += 4
                dropping = (partial?.sequence ?? sequence, (partial?.payload.count ?? 0) + length, length, more)
                partial = nil
                continue
            }
            guard buffer.count - readOffset >= 4 + length else { return nil }
            let body = buffer[(readOffset + 4)..<(readOffset + 4 + length)]
            if var joined = partial {
                joined.payload.append(contentsOf: body)
                partial = joined
            } else {
                partial = MySQLPacket(sequence: sequence, payload: Array(body))
            }
            readOffset += 4 + length
            compact()
            if !more {
                defer { partial = nil }
                return partial
            }
        }
    }

    private mutating func compact() {
        if readOffset == buffer.count {
            buffer.removeAll(keepingCapacity: buffer.capacity <= 1 << 20)
            readOffset = 0
        }
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
