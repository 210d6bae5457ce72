/// The bytes behind one feed's `JSONScalar`s, shared by the whole batch: a
/// copy of the feed's input (held bytes and chunk, so every value and most
/// keys are found in place by offset) followed by encoded container paths
/// and keys read in earlier chunks. Filling it is one `memcpy` per feed;
/// Strings and path arrays are only built when the consumer reads `value` or
/// `path`, which for most values it never does.
final class ScalarStorage: Sendable {
    static let empty = ScalarStorage([])

    private let bytes: [UInt8]

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// The text of a validated string literal body (or number) at `range`.
    func text(_ range: Range<Int>, escaped: Bool) -> String {
        bytes.withUnsafeBufferPointer { JSONStringCodec.string(UnsafeBufferPointer(rebasing: $0[range]), escaped: escaped) }
    }

    func path(container: Int, last: JSONScalar.LastSegment) -> [JSONPathSegment] {
        var path: [JSONPathSegment] = []
        forEachSegment(container: container, last: last) { segment in
            switch segment {
            case .index(let index): path.append(.index(index))
            case .key(let key): path.append(.key(String(decoding: key, as: UTF8.self)))
            }
        }
        return path
    }

    /// Renders straight from the stored bytes, without an intermediate path.
    func renderedPath(container: Int, last: JSONScalar.LastSegment) -> String {
        var text: [UInt8] = [UInt8(ascii: "$")]
        forEachSegment(container: container, last: last) { segment in
            switch segment {
            case .index(let index): JSONPathSegment.appendIndex(index, to: &text)
            case .key(let key): JSONPathSegment.appendKey(key, to: &text)
            }
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// Calls `body` for the segments of the container path at `container`
    /// (-1: the root), then for `last`.
    private func forEachSegment(container: Int, last: JSONScalar.LastSegment, _ body: (RawPathSegment) -> Void) {
        bytes.withUnsafeBufferPointer { bytes in
            if container >= 0 {
                var offset = container
                for _ in 0..<PathEncoding.readInt(bytes, &offset) {
                    body(PathEncoding.readSegment(bytes, &offset))
                }
            }
            switch last {
            case .none:
                break
            case .index(let index):
                body(.index(index))
            case .key(let range, escaped: false):
                body(.key(UnsafeBufferPointer(rebasing: bytes[range])))
            case .key(let range, escaped: true):
                var decoded = [UInt8](repeating: 0, count: range.count)
                let count = decoded.withUnsafeMutableBufferPointer {
                    JSONStringCodec.decode(UnsafeBufferPointer(rebasing: bytes[range]), into: $0.baseAddress!)
                }
                decoded.withUnsafeBufferPointer { body(.key(UnsafeBufferPointer(rebasing: $0[..<count]))) }
            }
        }
    }
}

/// Byte format of container paths in `ScalarStorage`: a segment count, then
/// per segment a tag byte and an index, or a tag byte, a key length and the
/// key's unescaped UTF-8. Integers are 8 bytes, little endian.
enum PathEncoding {
    private static let indexTag: UInt8 = 0
    private static let keyTag: UInt8 = 1

    static func appendInt(_ value: Int, to out: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { out.append(contentsOf: $0) }
    }

    static func appendIndex(_ index: Int, to out: inout [UInt8]) {
        out.append(indexTag)
        appendInt(index, to: &out)
    }

    static func appendKey(_ key: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        out.append(keyTag)
        appendInt(key.count, to: &out)
        out.append(contentsOf: key)
    }

    static func readInt(_ bytes: UnsafeBufferPointer<UInt8>, _ offset: inout Int) -> Int {
        var value = 0
        for i in 0..<8 { value |= Int(bytes[offset + i]) << (8 * i) }
        offset += 8
        return value
    }

    static func readSegment(_ bytes: UnsafeBufferPointer<UInt8>, _ offset: inout Int) -> RawPathSegment {
        let tag = bytes[offset]
        offset += 1
        let value = readInt(bytes, &offset)
        guard tag == keyTag else { return .index(value) }
        defer { offset += value }
        return .key(UnsafeBufferPointer(rebasing: bytes[offset..<offset + value]))
    }
}
