import CWardenPlugin

// Helpers that lend Swift values to C as `warden_bytes` for the duration of a
// call. Nothing here allocates memory that crosses the boundary.

func withBorrowedBytes<R>(_ string: String, _ body: (warden_bytes) throws -> R) rethrows -> R {
    var string = string
    return try string.withUTF8 { buffer in
        try body(warden_bytes(data: buffer.baseAddress, length: buffer.count))
    }
}

func withBorrowedBytes<R>(_ bytes: UnsafeRawBufferPointer, _ body: (warden_bytes) throws -> R) rethrows -> R {
    try body(warden_bytes(data: bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), length: bytes.count))
}

extension warden_bytes {
    /// Copies the borrowed bytes into a String (invalid UTF-8 is repaired).
    var string: String {
        guard let data, length > 0 else { return "" }
        return String(decoding: UnsafeBufferPointer(start: data, count: length), as: UTF8.self)
    }

    var rawBuffer: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: data, count: data == nil ? 0 : length)
    }
}

/// Reads `count` elements of a borrowed C array, tolerating a NULL pointer.
func borrowedArray<T>(_ pointer: UnsafePointer<T>?, _ count: Int) -> UnsafeBufferPointer<T> {
    UnsafeBufferPointer(start: pointer, count: pointer == nil ? 0 : count)
}

/// Copies `text` into memory that is never freed, for text the host may read
/// after the call returns: manifest fields, and the reason an init or a
/// masker creation failed (each happens once per plugin or rule).
func permanentBytes(_ text: String) -> warden_bytes {
    let utf8 = Array(text.utf8)
    let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: max(utf8.count, 1))
    buffer.initialize(from: utf8, count: utf8.count)
    return warden_bytes(data: buffer, length: utf8.count)
}

/// Whether a struct the other side wrote, `size` bytes long by its own
/// `sizeof`, holds `field`. Check this before reading a field a later ABI
/// minor version added: an older peer's struct ends before it.
func sizeCovers<Root, Value>(_ size: UInt32, _ field: KeyPath<Root, Value>) -> Bool {
    guard let offset = MemoryLayout<Root>.offset(of: field) else { return false }
    return Int(size) >= offset + MemoryLayout<Value>.size
}

/// Collects strings into one buffer, so that a single borrow covers every
/// slice a call lends.
struct ByteArena {
    private(set) var bytes: [UInt8] = []

    mutating func add(_ string: String) -> Range<Int> {
        let start = bytes.count
        bytes.append(contentsOf: string.utf8)
        return start..<bytes.count
    }

    static func slice(_ base: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> warden_bytes {
        guard let start = base.baseAddress, !range.isEmpty else { return warden_bytes(data: nil, length: 0) }
        return warden_bytes(data: start + range.lowerBound, length: range.count)
    }
}
