/// Cuts an arbitrary sequence of byte chunks into complete PostgreSQL messages.
///
/// Chunks may split a message anywhere (even inside the length field); the
/// framer buffers until a whole message is present. Lengths are validated as
/// soon as the header is in, so a peer announcing a huge message is rejected
/// before Warden buffers any of it.
struct MessageFramer {
    /// The startup phase sends untyped `length + body` packets; everything after
    /// it sends `type + length + body` messages.
    enum Mode: Equatable, Sendable {
        case startup
        case typed
    }

    var mode: Mode
    /// The largest accepted value of the length field (which counts itself).
    var maxMessageLength: Int

    private var buffer: [UInt8] = []
    /// Buffer capacity kept between messages.
    static let retainedCapacity = 16_384
    private var readIndex = 0
    /// Bytes of a refused message still to arrive, dropped as they do.
    private(set) var bytesToDiscard = 0

    init(mode: Mode, maxMessageLength: Int) {
        self.mode = mode
        self.maxMessageLength = maxMessageLength
    }

    /// Bytes received but not yet returned as messages.
    var bufferedByteCount: Int { buffer.count - readIndex }

    mutating func append(_ bytes: some Collection<UInt8>) {
        let dropped = min(bytesToDiscard, bytes.count)
        bytesToDiscard -= dropped
        let kept = bytes.dropFirst(dropped)
        guard !kept.isEmpty else { return }
        // Compact before growing so a long session does not keep consumed bytes alive.
        if readIndex > 0, readIndex == buffer.count {
            // Reuse a small buffer; give a large one back, or every session
            // that once read a big result would hold that much while idle.
            buffer.removeAll(keepingCapacity: buffer.capacity <= Self.retainedCapacity)
            readIndex = 0
        } else if readIndex > 65_536, readIndex * 2 > buffer.count {
            buffer.removeFirst(readIndex)
            readIndex = 0
        }
        buffer.append(contentsOf: kept)
    }

    /// Takes one raw byte: the upstream answers SSLRequest with a single unframed 'S' or 'N'.
    mutating func readByte() -> UInt8? {
        guard readIndex < buffer.count else { return nil }
        defer { readIndex += 1 }
        return buffer[readIndex]
    }

    /// The type byte of the next message if it is completely buffered, without consuming it.
    func peekType() throws(FramingError) -> UInt8? {
        guard try completeFrameLength() != nil else { return nil }
        return mode == .typed ? buffer[readIndex] : nil
    }

    /// The type and length field of the next typed message once its header
    /// is in, whether or not its body is: to refuse a message by its size
    /// before buffering it.
    func peekHeader() throws(FramingError) -> (type: UInt8, length: Int)? {
        guard mode == .typed, bufferedByteCount >= 5 else { return nil }
        var length: UInt32 = 0
        for offset in 1...4 {
            length = length << 8 | UInt32(buffer[readIndex + offset])
        }
        let signed = Int32(bitPattern: length)
        guard signed >= 4 else { throw .invalidLength(signed) }
        return (buffer[readIndex], Int(signed))
    }

    /// Drops the next typed message, whose header is in: what is buffered
    /// now, and the rest of it as it arrives.
    mutating func discardNextMessage() {
        guard let header = try? peekHeader() else { return }
        let frameLength = 1 + header.length
        let buffered = min(frameLength, bufferedByteCount)
        readIndex += buffered
        bytesToDiscard = frameLength - buffered
        if readIndex == buffer.count {
            buffer.removeAll(keepingCapacity: buffer.capacity <= Self.retainedCapacity)
            readIndex = 0
        }
    }

    /// Returns the next complete message, or `nil` when more bytes are needed.
    mutating func next() throws(FramingError) -> PostgresFrame? {
        guard let frameLength = try completeFrameLength() else { return nil }
        let bytes = Array(buffer[readIndex..<readIndex + frameLength])
        readIndex += frameLength
        return PostgresFrame(type: mode == .typed ? bytes[0] : nil, bytes: bytes)
    }

    /// The total size of the next frame if all of it is buffered.
    private func completeFrameLength() throws(FramingError) -> Int? {
        let typeBytes = mode == .typed ? 1 : 0
        // The smallest legal length covers the length field itself, plus the
        // protocol code for startup packets.
        let minimumLength = mode == .typed ? 4 : 8
        guard bufferedByteCount >= typeBytes + 4 else { return nil }
        var length: UInt32 = 0
        for offset in 0..<4 {
            length = length << 8 | UInt32(buffer[readIndex + typeBytes + offset])
        }
        let signed = Int32(bitPattern: length)
        guard signed >= minimumLength else { throw .invalidLength(signed) }
        guard Int(signed) <= maxMessageLength else { throw .tooLong(length: Int(signed), limit: maxMessageLength) }
        let frameLength = typeBytes + Int(signed)
        return bufferedByteCount >= frameLength ? frameLength : nil
    }
}
