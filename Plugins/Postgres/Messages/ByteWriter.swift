/// Big-endian append helpers used by the message encoders.
extension Array where Element == UInt8 {
    mutating func appendInt32(_ value: Int32) {
        let bits = UInt32(bitPattern: value)
        append(contentsOf: [UInt8(truncatingIfNeeded: bits >> 24), UInt8(truncatingIfNeeded: bits >> 16),
                            UInt8(truncatingIfNeeded: bits >> 8), UInt8(truncatingIfNeeded: bits)])
    }

    mutating func appendInt16(_ value: Int16) {
        let bits = UInt16(bitPattern: value)
        append(contentsOf: [UInt8(truncatingIfNeeded: bits >> 8), UInt8(truncatingIfNeeded: bits)])
    }

    /// Appends the UTF-8 bytes of `string` and a terminating NUL.
    ///
    /// An embedded NUL would end the string early on the peer's side, so it is
    /// dropped rather than sent.
    mutating func appendCString(_ string: String) {
        append(contentsOf: string.utf8.lazy.filter { $0 != 0 })
        append(0)
    }

    mutating func appendCString(bytes: some Sequence<UInt8>) {
        append(contentsOf: bytes.lazy.filter { $0 != 0 })
        append(0)
    }
}

/// Builds one protocol message: the optional type byte, the Int32 length that
/// counts itself and the body, then the body.
enum MessageWriter {
    /// A typed message (`type` + length + body), the shape of every message after startup.
    static func message(_ type: UInt8, _ body: (inout [UInt8]) -> Void) -> [UInt8] {
        var bytes: [UInt8] = [type, 0, 0, 0, 0]
        body(&bytes)
        patchLength(&bytes, at: 1)
        return bytes
    }

    /// An untyped startup-phase packet (length + body).
    static func packet(_ body: (inout [UInt8]) -> Void) -> [UInt8] {
        var bytes: [UInt8] = [0, 0, 0, 0]
        body(&bytes)
        patchLength(&bytes, at: 0)
        return bytes
    }

    private static func patchLength(_ bytes: inout [UInt8], at offset: Int) {
        let length = UInt32(truncatingIfNeeded: bytes.count - offset)
        bytes[offset] = UInt8(truncatingIfNeeded: length >> 24)
        bytes[offset + 1] = UInt8(truncatingIfNeeded: length >> 16)
        bytes[offset + 2] = UInt8(truncatingIfNeeded: length >> 8)
        bytes[offset + 3] = UInt8(truncatingIfNeeded: length)
    }
}
