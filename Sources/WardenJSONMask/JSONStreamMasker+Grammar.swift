/// The byte-level state machine: tokens are scanned by the lexers, structure
/// (brackets, commas, colons, nesting) is checked here, and completed values
/// are matched against the patterns and queued for `mask`.
extension JSONStreamMasker {
    /// Whether the current token's bytes are held back (it may be replaced).
    var isHoldingToken: Bool { mode == .string || mode == .number }

    mutating func scan(_ bytes: UnsafeBufferPointer<UInt8>) throws(ScanError) {
        var i = 0
        while i < bytes.count {
            switch mode {
            case .structural:
                i = try structural(bytes, from: i)
            case .string:
                guard let end = try strings.scan(bytes, from: i) else { return }
                i = end
                try completeString(bytes, end: end)
            case .number:
                guard let end = try numbers.scan(bytes, from: i) else { return }
                i = end
                try completeNumber(bytes, end: end)
            case .literal:
                guard let end = try literals.scan(bytes, from: i) else { return }
                i = end
                mode = .structural
                if literals.kind != .byteOrderMark { valueEnded() }
            }
        }
    }

    /// At the end of the body: completes a trailing number, or reports truncation.
    mutating func endOfInput(_ bytes: UnsafeBufferPointer<UInt8>) throws(ScanError) {
        switch mode {
        case .structural:
            break
        case .number where numbers.isComplete:
            try completeNumber(bytes, end: 0)
        case .number:
            throw ScanError(.truncated, at: 0, "body ends inside a number")
        case .string:
            throw ScanError(.truncated, at: 0, "body ends inside a string")
        case .literal:
            throw ScanError(.truncated, at: 0, "body ends inside a literal")
        }
        guard tracker.depth == 0 else {
            throw ScanError(.truncated, at: 0, "body ends inside \(tracker.inArray ? "an array" : "an object")")
        }
    }

    mutating func checkHeldTokenSize(chunkCount: Int) throws(ScanError) {
        guard isHoldingToken, consumed + chunkCount - tokenStart > maxValueBytes else { return }
        throw ScanError(.valueTooLarge, at: tokenStart - consumed, "value longer than \(maxValueBytes) bytes")
    }

    /// Whitespace, then one punctuation byte or the first byte of a token.
    private mutating func structural(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) throws(ScanError) -> Int {
        var i = start
        while i < bytes.count, Self.isWhitespace(bytes[i]) { i += 1 }
        if i > start, expect == .topSeparator { expect = .topValue }
        guard i < bytes.count else { return i }
        let byte = bytes[i]
        switch byte {
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            try beginValue(byte, at: i)
            guard tracker.depth < maxDepth else {
                throw ScanError(.depthLimitExceeded, at: i, "nesting deeper than \(maxDepth)")
            }
            let isArray = byte == UInt8(ascii: "[")
            tracker.push(isArray: isArray)
            expect = isArray ? .valueOrClose : .keyOrClose
        case UInt8(ascii: "}"), UInt8(ascii: "]"):
            let isArray = byte == UInt8(ascii: "]")
            let canClose = expect == (isArray ? .valueOrClose : .keyOrClose)
                || (expect == .commaOrClose && tracker.inArray == isArray)
            guard canClose else { throw unexpected(byte, at: i) }
            tracker.pop()
            valueEnded()
        case UInt8(ascii: ","):
            guard expect == .commaOrClose else { throw unexpected(byte, at: i) }
            expect = tracker.inArray ? .value : .key
        case UInt8(ascii: ":"):
            guard expect == .colon else { throw unexpected(byte, at: i) }
            expect = .value
        case UInt8(ascii: "\""):
            stringIsKey = expect == .key || expect == .keyOrClose
            if !stringIsKey { try beginValue(byte, at: i) }
            strings.reset()
            tokenStart = consumed + i
            mode = .string
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            try beginValue(byte, at: i)
            numbers.start(byte)
            tokenStart = consumed + i
            mode = .number
        case UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"):
            try beginValue(byte, at: i)
            literals.start(byte == UInt8(ascii: "t") ? .true : byte == UInt8(ascii: "f") ? .false : .null)
            mode = .literal
        case 0xEF where consumed + i == 0:
            // RFC 8259 lets parsers ignore a leading BOM; clients that don't
            // will fail on it, neither reads different values. Passed through.
            literals.start(.byteOrderMark)
            mode = .literal
        default:
            throw unexpected(byte, at: i)
        }
        return i + 1
    }

    /// A value starts: check the grammar allows one and step the path.
    private mutating func beginValue(_ byte: UInt8, at i: Int) throws(ScanError) {
        switch expect {
        case .topValue: tracker.enterRoot()
        case .valueOrClose: tracker.enterElement()
        case .value: if tracker.inArray { tracker.enterElement() }  // in an object the key did it
        default: throw unexpected(byte, at: i)
        }
    }

    private mutating func valueEnded() {
        // Top-level values must be separated by whitespace (JSON lines), so
        // `1 2` is two values but `truefalse` or `1"x"` is rejected.
        expect = tracker.depth == 0 ? .topSeparator : .commaOrClose
    }

    private mutating func completeString(_ bytes: UnsafeBufferPointer<UInt8>, end: Int) throws(ScanError) {
        mode = .structural
        let start = tokenStart - consumed
        guard end - start <= maxValueBytes else {
            throw ScanError(.valueTooLarge, at: start, "string longer than \(maxValueBytes) bytes")
        }
        let escaped = strings.hasEscape
        guard stringIsKey else {
            queueValue(bytes, end: end, escaped: escaped, isString: true, match: tracker.memberMatch)
            valueEnded()
            return
        }
        let hasNoNUL = withToken(bytes, from: start + 1, to: end - 1) { masker, body in
            masker.tracker.enterKey(body, escaped: escaped)
        }
        // A client using C strings would read "ssn\u0000x" as "ssn".
        guard hasNoNUL else { throw ScanError(.invalidString, at: start, "NUL character in object key") }
        // Open objects' keys are kept for paths; bound them like a value.
        guard tracker.keys.count <= maxValueBytes else {
            throw ScanError(.valueTooLarge, at: start, "keys of open objects longer than \(maxValueBytes) bytes")
        }
        lastKeyBody = tokenStart + 1..<consumed + end - 1
        lastKeyEscaped = escaped
        expect = .colon
    }

    private mutating func completeNumber(_ bytes: UnsafeBufferPointer<UInt8>, end: Int) throws(ScanError) {
        mode = .structural
        let start = tokenStart - consumed
        guard end - start <= maxValueBytes else {
            throw ScanError(.valueTooLarge, at: start, "number longer than \(maxValueBytes) bytes")
        }
        if let match = tracker.memberMatch {
            queueValue(bytes, end: end, escaped: false, isString: false, match: match)
        }
        valueEnded()
    }

    /// Adds the value whose literal ends at `bytes[end]` to the batch for `mask`.
    private mutating func queueValue(
        _ bytes: UnsafeBufferPointer<UInt8>, end: Int, escaped: Bool, isString: Bool, match: Int?
    ) {
        let base = consumed - carry.count
        if storage.isEmpty {
            storage.reserveCapacity(carry.count + bytes.count + 256)
            storage.append(contentsOf: carry)
            storage.append(contentsOf: bytes)
        }
        let containerPath = tracker.encodeContainerPath(into: &storage)
        let last: JSONScalar.LastSegment
        if tracker.depth == 0 {
            last = .none
        } else if tracker.inArray {
            last = .index(tracker.memberIndex)
        } else if lastKeyBody.lowerBound >= base {
            last = .key(lastKeyBody.lowerBound - base..<lastKeyBody.upperBound - base, escaped: lastKeyEscaped)
        } else {
            let keyStart = storage.count
            tracker.appendInnermostKey(to: &storage)
            last = .key(keyStart..<storage.count, escaped: false)
        }
        batch.append(JSONScalar(isString: isString, isEscaped: escaped, matchedPattern: match,
                                literal: tokenStart - base..<consumed + end - base,
                                containerPath: containerPath, lastSegment: last))
    }

    /// Calls `body` with `bytes[from..<to]` contiguous, where a negative
    /// `from` reaches back into the bytes held from earlier chunks.
    private mutating func withToken<Result>(
        _ bytes: UnsafeBufferPointer<UInt8>, from: Int, to: Int,
        _ body: (inout Self, UnsafeBufferPointer<UInt8>) -> Result
    ) -> Result {
        if from >= 0 { return body(&self, UnsafeBufferPointer(rebasing: bytes[from..<to])) }
        var joined = Array(carry[(carry.count + from)...])
        joined.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[..<to]))
        return joined.withUnsafeBufferPointer { body(&self, $0) }
    }

    private func unexpected(_ byte: UInt8, at i: Int) -> ScanError {
        let found = (0x21..<0x7F).contains(byte) ? "'\(Character(Unicode.Scalar(byte)))'" : "byte 0x\(String(byte, radix: 16))"
        let expected = switch expect {
        case .topValue: "a JSON value"
        case .topSeparator: "whitespace between top-level values"
        case .value: "a value"
        case .valueOrClose: "a value or ']'"
        case .key: "a string key"
        case .keyOrClose: "a string key or '}'"
        case .colon: "':'"
        case .commaOrClose: tracker.inArray ? "',' or ']'" : "',' or '}'"
        }
        return ScanError(.syntax, at: i, "unexpected \(found), expected \(expected)")
    }

    private static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
    }
}
