/// Builds a MySQL packet payload: little-endian integers and strings.
struct PacketWriter {
    private(set) var bytes: [UInt8] = []

    init(reservingCapacity capacity: Int = 64) { bytes.reserveCapacity(capacity) }

    mutating func byte(_ value: UInt8) { bytes.append(value) }

    mutating func integer(_ value: UInt64, width: Int) {
        for index in 0..<width { bytes.append(UInt8(truncatingIfNeeded: value >> (8 * index))) }
    }

    mutating func lengthEncodedInteger(_ value: UInt64) {
        switch value {
        case 0..<0xFB: bytes.append(UInt8(value))
        case 0xFB...0xFFFF: bytes.append(0xFC); integer(value, width: 2)
        case 0x1_0000...0xFF_FFFF: bytes.append(0xFD); integer(value, width: 3)
        default: bytes.append(0xFE); integer(value, width: 8)
        }
    }

    mutating func append<Bytes: Sequence>(_ other: Bytes) where Bytes.Element == UInt8 { bytes.append(contentsOf: other) }

    mutating func lengthEncoded<Bytes: Collection>(_ other: Bytes) where Bytes.Element == UInt8 {
        lengthEncodedInteger(UInt64(other.count))
        bytes.append(contentsOf: other)
    }

    mutating func lengthEncoded(_ text: String) { lengthEncoded(Array(text.utf8)) }

    mutating func nulTerminated(_ text: String) {
        bytes.append(contentsOf: text.utf8)
        bytes.append(0)
    }

    mutating func zeros(_ count: Int) { bytes.append(contentsOf: repeatElement(0, count: count)) }
}
