/// The current key of every open container (empty for arrays), unescaped,
/// innermost last, in one buffer. Replacing the innermost key is a `memcpy`
/// into space the buffer already has: this runs for every key of the document.
struct KeyStack: Sendable {
    /// Grows, never shrinks; bytes past `count` are spare room.
    private var bytes: [UInt8] = []
    /// Where each open container's key starts.
    private var starts: [Int] = []
    /// End of the innermost key: the bytes in use.
    private(set) var count = 0

    var retainedBytes: Int {
        bytes.capacity + starts.capacity * MemoryLayout<Int>.stride
    }

    mutating func push() {
        starts.append(count)
    }

    mutating func pop() {
        count = starts.removeLast()
    }

    /// Sets the innermost container's key from a validated literal body.
    mutating func setInnermost(_ body: UnsafeBufferPointer<UInt8>, escaped: Bool) {
        let start = starts[starts.count - 1]
        guard !body.isEmpty else {
            count = start
            return
        }
        if bytes.count < start + body.count {
            bytes.append(contentsOf: repeatElement(0, count: max(start + body.count - bytes.count, bytes.count)))
        }
        count = start + bytes.withUnsafeMutableBufferPointer { bytes in
            let out = bytes.baseAddress! + start
            guard escaped else {
                out.update(from: body.baseAddress!, count: body.count)
                return body.count
            }
            return JSONStringCodec.decode(body, into: out)
        }
    }

    /// Calls `body` with the key of container `level` (0 = outermost).
    func withKey<Result>(level: Int, _ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        let end = level + 1 < starts.count ? starts[level + 1] : count
        return bytes.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[starts[level]..<end])) }
    }
}
