/// Validates one JSON string body incrementally, so a chunk may end anywhere:
/// inside an escape, between the two halves of a surrogate pair, or between
/// the bytes of a UTF-8 sequence. It only validates; decoding happens once the
/// whole literal is available (`JSONStringCodec`).
///
/// Validation is strict on purpose: a client parser that is lenient about
/// overlong UTF-8, lone surrogates or raw control characters could read
/// different text (or different string boundaries) than the masker did.
struct StringLexer: Sendable {
    private enum State: UInt8, Sendable {
        case body, escape, hex, lowSurrogateBackslash, lowSurrogateU, continuation
    }

    private var state = State.body
    private var hexDigits = 0
    private var codeUnit: UInt32 = 0
    private var awaitingLowSurrogate = false
    private var continuationBytes = 0
    private var nextMin: UInt8 = 0x80
    private var nextMax: UInt8 = 0xBF
    /// Whether the literal contains a backslash (else it decodes to itself).
    private(set) var hasEscape = false

    /// Starts a new literal, after its opening quote.
    mutating func reset() {
        state = .body
        awaitingLowSurrogate = false
        hasEscape = false
    }

    /// Scans `bytes[start...]`; returns the index just past the closing quote,
    /// or nil when the chunk ended inside the string.
    mutating func scan(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) throws(ScanError) -> Int? {
        var i = start
        let end = bytes.count
        while i < end {
            switch state {
            case .body:
                // Hot loop: plain printable ASCII needs no state changes.
                // Skip it 8 bytes at a time, then find the stop byte singly.
                while end - i >= 8, !Self.mayStop(UnsafeRawPointer(bytes.baseAddress! + i).loadUnaligned(as: UInt64.self)) {
                    i += 8
                }
                guard i < end else { return nil }
                var byte = bytes[i]
                while byte >= 0x20, byte < 0x80, byte != UInt8(ascii: "\""), byte != UInt8(ascii: "\\") {
                    i += 1
                    guard i < end else { return nil }
                    byte = bytes[i]
                }
                i += 1
                switch byte {
                case UInt8(ascii: "\""):
                    return i
                case UInt8(ascii: "\\"):
                    state = .escape
                    hasEscape = true
                case 0..<0x20:
                    throw ScanError(.invalidString, at: i - 1, "raw control character in string (must be escaped)")
                default:
                    try startSequence(byte, at: i - 1)
                }
            case .escape:
                switch bytes[i] {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"),
                     UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    state = .body
                case UInt8(ascii: "u"):
                    state = .hex
                    hexDigits = 0
                    codeUnit = 0
                default:
                    throw ScanError(.invalidString, at: i, "invalid escape in string")
                }
                i += 1
            case .hex:
                guard let digit = hexDigitValue(bytes[i]) else {
                    throw ScanError(.invalidString, at: i, "expected 4 hex digits after \\u")
                }
                codeUnit = codeUnit << 4 | UInt32(digit)
                hexDigits += 1
                if hexDigits == 4 { try endCodeUnit(at: i) }
                i += 1
            case .lowSurrogateBackslash, .lowSurrogateU:
                let expected = state == .lowSurrogateBackslash ? UInt8(ascii: "\\") : UInt8(ascii: "u")
                guard bytes[i] == expected else {
                    throw ScanError(.invalidString, at: i, "high surrogate escape not followed by a low surrogate")
                }
                state = state == .lowSurrogateBackslash ? .lowSurrogateU : .hex
                hexDigits = 0
                codeUnit = 0
                i += 1
            case .continuation:
                let byte = bytes[i]
                guard byte >= nextMin, byte <= nextMax else {
                    throw ScanError(.invalidString, at: i, "invalid UTF-8 in string")
                }
                nextMin = 0x80
                nextMax = 0xBF
                continuationBytes -= 1
                if continuationBytes == 0 { state = .body }
                i += 1
            }
        }
        return nil
    }

    /// Whether any of the 8 bytes in `word` is a quote, a backslash, a
    /// control character or non-ASCII (SWAR: a byte's high bit is set in the
    /// result if it is below 0x20, or XORs to zero against `"` or `\`).
    private static func mayStop(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highBits: UInt64 = 0x8080_8080_8080_8080
        let quote = word ^ (ones &* 0x22)
        let backslash = word ^ (ones &* 0x5C)
        let belowSpace = word &- (ones &* 0x20)
        let quoteZero = (quote &- ones) & ~quote
        let backslashZero = (backslash &- ones) & ~backslash
        return (word | belowSpace | quoteZero | backslashZero) & highBits != 0
    }

    /// First byte of a multi-byte UTF-8 sequence: set the count and the range
    /// of the next byte so overlong forms, UTF-16 surrogates (ED A0..BF) and
    /// code points above U+10FFFF are rejected (RFC 3629 table).
    private mutating func startSequence(_ byte: UInt8, at index: Int) throws(ScanError) {
        switch byte {
        case 0xC2...0xDF: continuationBytes = 1
        case 0xE0: continuationBytes = 2; nextMin = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: continuationBytes = 2
        case 0xED: continuationBytes = 2; nextMax = 0x9F
        case 0xF0: continuationBytes = 3; nextMin = 0x90
        case 0xF1...0xF3: continuationBytes = 3
        case 0xF4: continuationBytes = 3; nextMax = 0x8F
        default: throw ScanError(.invalidString, at: index, "invalid UTF-8 in string")
        }
        state = .continuation
    }

    private mutating func endCodeUnit(at index: Int) throws(ScanError) {
        let isHigh = (0xD800...0xDBFF).contains(codeUnit)
        let isLow = (0xDC00...0xDFFF).contains(codeUnit)
        if awaitingLowSurrogate {
            guard isLow else {
                throw ScanError(.invalidString, at: index, "high surrogate escape not followed by a low surrogate")
            }
            awaitingLowSurrogate = false
            state = .body
        } else if isHigh {
            awaitingLowSurrogate = true
            state = .lowSurrogateBackslash
        } else if isLow {
            throw ScanError(.invalidString, at: index, "lone low surrogate escape")
        } else {
            state = .body
        }
    }
}
