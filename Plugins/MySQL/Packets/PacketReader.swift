/// Reads the little-endian integers and strings of a MySQL packet payload.
/// Every read checks the bounds: a short packet throws, never traps.
struct PacketReader {
    private let bytes: [UInt8]
    private(set) var offset: Int

    init(_ bytes: [UInt8], offset: Int = 0) {
        self.bytes = bytes
        self.offset = offset
    }

    var isAtEnd: Bool { offset >= bytes.count }
    var remainingCount: Int { bytes.count - offset }

    mutating func byte() throws(MySQLProtocolError) -> UInt8 {
        guard offset < bytes.count else { throw .truncated }
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func integer(_ width: Int) throws(MySQLProtocolError) -> UInt64 {
        guard width <= 8, remainingCount >= width else { throw .truncated }
        var value: UInt64 = 0
        for index in 0..<width { value |= UInt64(bytes[offset + index]) << (8 * index) }
        offset += width
        return value
    }

    /// A length-encoded integer; nil for 0xFB, which is NULL in a text row.
    mutating func lengthEncodedInteger() throws(MySQLProtocolError) -> UInt64? {
        let first = try byte()
        switch first {
        case 0..<0xFB: return UInt64(first)
        case 0xFB: return nil
        case 0xFC: return try integer(2)
        case 0xFD: return try integer(3)
        case 0xFE: return try integer(8)
        default: throw .malformed("a length-encoded integer starts with 0xFF")
        }
    }

    mutating func bytes(_ count: Int) throws(MySQLProtocolError) -> [UInt8] {
        guard count >= 0, remainingCount >= count else { throw .truncated }
        defer { offset += count }
        return Array(bytes[offset..<offset + count])
    }

    mutating func skip(_ count: Int) throws(MySQLProtocolError) {
        guard count >= 0, remainingCount >= count else { throw .truncated }
        offset += count
    }

    /// A length-encoded string; nil for NULL (0xFB).
    mutating func lengthEncodedBytes() throws(MySQLProtocolError) -> [UInt8]? {
        guard let length = try lengthEncodedInteger() else { return nil }
        guard length <= UInt64(remainingCount) else { throw .truncated }
        return try bytes(Int(length))
    }

    mutating func lengthEncodedString() throws(MySQLProtocolError) -> String {
        String(decoding: try lengthEncodedBytes() ?? [], as: UTF8.self)
    }

    /// Bytes up to a NUL, which is consumed.
    mutating func nulTerminatedBytes() throws(MySQLProtocolError) -> [UInt8] {
        guard let end = bytes[offset...].firstIndex(of: 0) else { throw .truncated }
        defer { offset = end + 1 }
        return Array(bytes[offset..<end])
    }

    mutating func nulTerminatedString() throws(MySQLProtocolError) -> String {
        String(decoding: try nulTerminatedBytes(), as: UTF8.self)
    }

    /// Everything left.
    mutating func rest() -> [UInt8] {
        defer { offset = bytes.count }
        return offset < bytes.count ? Array(bytes[offset...]) : []
    }
}

/// A packet that does not read as the protocol says.
enum MySQLProtocolError: Error, Equatable, CustomStringConvertible {
    case truncated
    case malformed(String)

    var description: String {
        switch self {
        case .truncated: "a packet ended early"
        case .malformed(let what): what
        }
    }
}
