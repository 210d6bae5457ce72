/// Masks values in a JSON body (or JSON lines) while it streams through.
///
/// Each `feed` validates a chunk, hands the strings and pattern-matched
/// numbers that completed in it to `mask` in one batch, and returns the bytes
/// that are final: the input unchanged except for replaced values. A string or
/// number cut by the chunk's end is held back (it may yet be replaced) and
/// output by the feed that completes it. Memory is bounded by nesting depth,
/// `maxValueBytes` and the current chunk; the document is never buffered.
///
/// Safety rules: anything that is not strict RFC 8259 JSON is rejected, so a
/// client parser cannot read values the masker did not see; keys are matched
/// after unescaping; every occurrence of a duplicate key is matched; after an
/// error the masker stays failed. A consumer must abort the response on error
/// (bytes already returned were validated and masked, the rest must not follow).
public struct JSONStreamMasker: Sendable {
    public let patterns: [JSONPathPattern]
    public let maxDepth: Int
    public let maxValueBytes: Int

    enum Mode: UInt8, Sendable { case structural, string, number, literal }

    /// What the grammar allows next, outside any token.
    enum Expect: UInt8, Sendable {
        case topValue, topSeparator, value, valueOrClose, key, keyOrClose, colon, commaOrClose
    }

    var tracker: PathTracker
    var mode = Mode.structural
    var expect = Expect.topValue
    var strings = StringLexer()
    var numbers = NumberLexer()
    var literals = LiteralLexer()
    /// Whether the string being scanned is an object key.
    var stringIsKey = false
    /// Stream offset where the string or number being scanned began.
    var tokenStart = 0
    /// Stream offset of the current chunk's first byte.
    var consumed = 0
    /// The start of a string or number that an earlier chunk ended inside;
    /// not yet output because it may still be replaced.
    var carry: [UInt8] = []
    /// Values completed in the current chunk, in stream order, and the bytes
    /// behind them (see `ScalarStorage`): empty until the first value.
    var batch: [JSONScalar] = []
    var storage: [UInt8] = []
    /// Stream range of the last key's literal body, and whether it has escapes.
    var lastKeyBody = 0..<0
    var lastKeyEscaped = false
    /// Replacement literals for the current chunk, and where each one ends.
    var encoded: [UInt8] = []
    var encodedEnds: [Int] = []
    var failure: JSONStreamError?

    public init(patterns: [JSONPathPattern], maxDepth: Int = 512, maxValueBytes: Int = 1 << 20) {
        self.patterns = patterns
        self.maxDepth = maxDepth
        self.maxValueBytes = maxValueBytes
        self.tracker = PathTracker(patterns: patterns)
    }

    /// Heap bytes kept between feeds: the held partial value plus per-depth
    /// state and reusable per-chunk buffers (key text itself not counted).
    public var retainedBytes: Int {
        carry.capacity + tracker.retainedBytes + batch.capacity * MemoryLayout<JSONScalar>.stride
            + storage.capacity + encoded.capacity + encodedEnds.capacity * MemoryLayout<Int>.stride
    }

    /// Consumes one chunk, split anywhere. `mask` is called at most once, and
    /// only if a string or a pattern-matched number completed in this chunk;
    /// it may set `replacement` on any value but must not add, remove or
    /// reorder them. Returns the output bytes that are final so far.
    public mutating func feed(
        _ bytes: UnsafeRawBufferPointer,
        mask: (inout [JSONScalar]) throws -> Void
    ) throws(JSONStreamError) -> [UInt8] {
        // Body bytes are plain octets; viewing them as UInt8 is what every
        // byte-buffer type does, and lets runs be copied with memcpy.
        try process(bytes.assumingMemoryBound(to: UInt8.self), atEnd: false, mask: mask)
    }

    /// Ends the body: throws `.truncated` if it stopped inside a value or
    /// container, and returns the remaining output. Only a top-level number
    /// not followed by whitespace can still be pending here; if a pattern
    /// matches it, it goes to `mask` like in `feed`.
    public mutating func finish(mask: (inout [JSONScalar]) throws -> Void) throws(JSONStreamError) -> [UInt8] {
        try process(UnsafeBufferPointer(start: nil, count: 0), atEnd: true, mask: mask)
    }

    /// `finish(mask:)` for callers without a mask at hand. A pending value
    /// that a pattern matches cannot be masked here, so it fails (closed)
    /// with `.maskFailed` instead of being passed on.
    public mutating func finish() throws(JSONStreamError) -> [UInt8] {
        let patterns = patterns
        let end = consumed
        return try finish { values in
            let pattern = values[0].matchedPattern.map { patterns[$0].text } ?? "a pattern"
            throw JSONStreamError(.maskFailed, at: end,
                                  "the body ends with a value matched by \(pattern); use finish(mask:)")
        }
    }

    private mutating func process(
        _ chunk: UnsafeBufferPointer<UInt8>,
        atEnd: Bool,
        mask: (inout [JSONScalar]) throws -> Void
    ) throws(JSONStreamError) -> [UInt8] {
        if let failure { throw failure }
        do throws(JSONStreamError) {
            do throws(ScanError) {
                tracker.storageReset()
                try scan(chunk)
                if atEnd { try endOfInput(chunk) }
                try checkHeldTokenSize(chunkCount: chunk.count)
            } catch {
                throw JSONStreamError(error.kind, at: consumed + error.index, error.message)
            }
            if !batch.isEmpty {
                try applyMask(mask, to: shareStorage(), chunkCount: chunk.count)
            }
            let output = assembleOutput(chunk)
            retire(chunk)
            return output
        } catch {
            failure = error
            throw error
        }
    }
}
