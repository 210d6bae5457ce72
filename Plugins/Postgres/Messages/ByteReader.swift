/// A bounds-checked cursor over peer bytes.
///
/// Every read returns `nil` instead of trapping when the peer sent too few bytes,
/// so a malformed message becomes a protocol error, never a crash.
struct ByteReader {
    private let bytes: ArraySlice<UInt8>
    private(set) var index: Int

    init(_ bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
        self.index = bytes.startIndex
    }

    init(_ bytes: [UInt8]) {
        self.init(bytes[...])
    }

    var remaining: Int { bytes.endIndex - index }
    var isAtEnd: Bool { index >= bytes.endIndex }

    mutating func readUInt8() -> UInt8? {
        guard remaining >= 1 else { return nil }
        defer { index += 1 }
        return bytes[index]
    }

    mutating func readInt32() -> Int32? {
        guard remaining >= 4 else { return nil }
        let value = bytes[index..<index + 4].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        index += 4
        return Int32(bitPattern: value)
    }

    mutating func readInt16() -> Int16? {
        guard remaining >= 2 else { return nil }
        let value = UInt16(bytes[index]) << 8 | UInt16(bytes[index + 1])
        index += 2
        return Int16(bitPattern: value)
    }

    mutating func readBytes(_ count: Int) -> ArraySlice<UInt8>? {
        guard count >= 0, remaining >= count else { return nil }
        defer { index += count }
        return bytes[index..<index + count]
    }

    mutating func readRemaining() -> ArraySlice<UInt8> {
        defer { index = bytes.endIndex }
        return bytes[index...]
    }

    /// Reads a NUL-terminated string as raw bytes (without the NUL).
    mutating func readCStringBytes() -> ArraySlice<UInt8>? {
        guard let nul = bytes[index...].firstIndex(of: 0) else { return nil }
        defer { index = nul + 1 }
        return bytes[index..<nul]
    }

    /// Reads a NUL-terminated UTF-8 string; `nil` if unterminated or not valid UTF-8.
    mutating func readCString() -> String? {
        let start = index
        guard let raw = readCStringBytes() else { return nil }
        guard let string = String(validating: raw, as: UTF8.self) else {
            index = start
            return nil
        }
        return string
    }
}
