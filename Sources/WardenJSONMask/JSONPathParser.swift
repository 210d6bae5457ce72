/// Recursive-descent parser for the `JSONPathPattern` syntax. Positions are
/// counted in Unicode scalars so error messages point at what the operator typed.
struct JSONPathParser {
    private let text: String
    private let scalars: [Unicode.Scalar]
    private var position = 0

    init(_ text: String) {
        self.text = text
        self.scalars = Array(text.unicodeScalars)
    }

    mutating func parse() throws(JSONPathError) -> [PatternStep] {
        guard peek == "$" else { throw unexpected("'$' at the start of the path") }
        position += 1
        var steps: [PatternStep] = []
        while let scalar = peek {
            switch scalar {
            case "[":
                steps.append(PatternStep(selector: try bracketSelector(), descendant: false))
            case ".":
                position += 1
                if peek == "." {
                    position += 1
                    let selector = peek == "[" ? try bracketSelector() : try dotSelector(after: "'..'")
                    steps.append(PatternStep(selector: selector, descendant: true))
                } else {
                    steps.append(PatternStep(selector: try dotSelector(after: "'.'"), descendant: false))
                }
            default:
                throw unexpected("'.' or '['")
            }
        }
        return steps
    }

    private var peek: Unicode.Scalar? {
        position < scalars.count ? scalars[position] : nil
    }

    private func failure(at position: Int, _ message: String) -> JSONPathError {
        JSONPathError(pattern: text, position: position, message: message)
    }

    private func unexpected(_ expected: String) -> JSONPathError {
        let found = peek.map { "'\(String($0).debugDescription.dropFirst().dropLast())'" } ?? "end of pattern"
        return failure(at: position, "expected \(expected), found \(found)")
    }

    private mutating func dotSelector(after prefix: String) throws(JSONPathError) -> PatternStep.Selector {
        if peek == "*" {
            position += 1
            return .wildcard
        }
        guard let first = peek, JSONPathSegment.isNameStart(first) else {
            throw unexpected("a member name or '*' after \(prefix) (use ['…'] for other names)")
        }
        let start = position
        position += 1
        while let scalar = peek, JSONPathSegment.isNameContinuation(scalar) {
            position += 1
        }
        return .key(String(String.UnicodeScalarView(scalars[start..<position])))
    }

    private mutating func bracketSelector() throws(JSONPathError) -> PatternStep.Selector {
        position += 1  // '['
        let selector: PatternStep.Selector
        switch peek {
        case "*":
            position += 1
            selector = .wildcard
        case "'", "\"":
            selector = .key(try quotedName())
        case let scalar? where ("0"..."9").contains(scalar):
            selector = .index(try index())
        case "-":
            throw failure(at: position, "negative indexes are not supported: a streamed array's length is unknown")
        default:
            throw unexpected("a quoted name, an index or '*' after '['")
        }
        guard peek == "]" else { throw unexpected("']'") }
        position += 1
        return selector
    }

    private mutating func index() throws(JSONPathError) -> Int {
        let start = position
        var value = 0
        while let scalar = peek, ("0"..."9").contains(scalar) {
            let (times10, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(Int(scalar.value - 48))
            guard !overflow1, !overflow2 else { throw failure(at: start, "index is too large") }
            value = sum
            position += 1
        }
        guard position - start == 1 || scalars[start] != "0" else {
            throw failure(at: start, "index has a leading zero")
        }
        return value
    }

    private mutating func quotedName() throws(JSONPathError) -> String {
        let open = position
        let quote = scalars[position]
        position += 1
        var name = String.UnicodeScalarView()
        while true {
            guard let scalar = peek else { throw failure(at: open, "unterminated quoted name") }
            position += 1
            if scalar == quote { break }
            name.append(scalar == "\\" ? try escape(open: open) : scalar)
        }
        guard !name.isEmpty else { throw failure(at: open, "empty member name") }
        return String(name)
    }

    /// After a backslash: `\'`, `\"`, `\\`, or `\uXXXX` (a surrogate pair for
    /// astral characters), which `JSONPathSegment.render` emits for control characters.
    private mutating func escape(open: Int) throws(JSONPathError) -> Unicode.Scalar {
        switch peek {
        case nil:
            throw failure(at: open, "unterminated quoted name")
        case let scalar? where scalar == "'" || scalar == "\"" || scalar == "\\":
            position += 1
            return scalar
        case "u":
            let start = position - 1
            position += 1
            let unit = try hex4()
            if (0xD800...0xDBFF).contains(unit) {
                guard peek == "\\", position + 1 < scalars.count, scalars[position + 1] == "u" else {
                    throw failure(at: start, "high surrogate escape without a following low surrogate")
                }
                position += 2
                let low = try hex4()
                guard (0xDC00...0xDFFF).contains(low) else {
                    throw failure(at: start, "high surrogate escape without a following low surrogate")
                }
                return Unicode.Scalar(0x10000 + (unit - 0xD800) << 10 + (low - 0xDC00))!
            }
            guard let scalar = Unicode.Scalar(unit) else {
                throw failure(at: start, "lone surrogate escape")
            }
            return scalar
        default:
            throw unexpected("an escape (\\', \\\", \\\\ or \\uXXXX)")
        }
    }

    private mutating func hex4() throws(JSONPathError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let scalar = peek, scalar.isASCII, let digit = hexDigitValue(UInt8(scalar.value)) else {
                throw unexpected("4 hex digits after \\u")
            }
            value = value << 4 | UInt32(digit)
            position += 1
        }
        return value
    }
}
