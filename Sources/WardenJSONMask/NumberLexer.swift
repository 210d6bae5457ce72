/// Validates a number against the RFC 8259 grammar, one byte at a time.
/// Strict on purpose: `01`, `1.`, `.5`, `+1`, `NaN` are rejected rather than
/// guessed at, since lenient clients disagree about them.
struct NumberLexer: Sendable {
    private enum State: UInt8, Sendable {
        case minus, zero, integer, dot, fraction, exponentMark, exponentSign, exponent
    }

    private var state = State.integer

    /// Whether the bytes so far form a whole number (the next byte may end it).
    var isComplete: Bool {
        state == .zero || state == .integer || state == .fraction || state == .exponent
    }

    /// Starts a number at its first byte, `-` or a digit.
    mutating func start(_ byte: UInt8) {
        state = byte == UInt8(ascii: "-") ? .minus : byte == UInt8(ascii: "0") ? .zero : .integer
    }

    /// Scans `bytes[start...]`; returns the index of the first byte after the
    /// number (not consumed), or nil when the chunk ended inside it.
    mutating func scan(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) throws(ScanError) -> Int? {
        var i = start
        while i < bytes.count {
            let byte = bytes[i]
            let isDigit = byte &- UInt8(ascii: "0") < 10
            switch state {
            case .minus:
                guard isDigit else { throw ScanError(.syntax, at: i, "expected a digit after '-'") }
                state = byte == UInt8(ascii: "0") ? .zero : .integer
            case .zero, .integer, .fraction:
                if isDigit {
                    guard state != .zero else { throw ScanError(.syntax, at: i, "number has a leading zero") }
                } else if byte == UInt8(ascii: "."), state != .fraction {
                    state = .dot
                } else if byte | 0x20 == UInt8(ascii: "e") {
                    state = .exponentMark
                } else {
                    return i
                }
            case .dot:
                guard isDigit else { throw ScanError(.syntax, at: i, "expected a digit after '.'") }
                state = .fraction
            case .exponentMark:
                if byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-") {
                    state = .exponentSign
                } else {
                    guard isDigit else { throw ScanError(.syntax, at: i, "expected a digit in the exponent") }
                    state = .exponent
                }
            case .exponentSign:
                guard isDigit else { throw ScanError(.syntax, at: i, "expected a digit in the exponent") }
                state = .exponent
            case .exponent:
                guard isDigit else { return i }
            }
            i += 1
        }
        return nil
    }
}
