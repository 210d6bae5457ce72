/// One step of a concrete location in a JSON document: an object member name
/// (after JSON unescaping) or a zero-based array position.
public enum JSONPathSegment: Hashable, Sendable {
    case key(String)
    case index(Int)

    /// Renders `path` as JSONPath text, e.g. `$.users[3].email` or `$['a b']`.
    ///
    /// Keys come from upstream documents and end up in logs, so characters that
    /// could break or disguise a log line (control, format and line/paragraph
    /// separator characters) are written as `\uXXXX` escapes. `JSONPathPattern`
    /// reads every rendering back as a pattern matching exactly that path
    /// (except for the empty key, which patterns reject).
    public static func render(_ path: [JSONPathSegment]) -> String {
        var text: [UInt8] = [UInt8(ascii: "$")]
        for segment in path {
            switch segment {
            case .index(let index):
                appendIndex(index, to: &text)
            case .key(let key):
                var key = key
                key.withUTF8 { appendKey($0, to: &text) }
            }
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// Appends `[index]`.
    static func appendIndex(_ index: Int, to text: inout [UInt8]) {
        text.append(UInt8(ascii: "["))
        text.append(contentsOf: String(index).utf8)
        text.append(UInt8(ascii: "]"))
    }

    /// Appends `.key` or `['key']` for a key given as UTF-8. Works on bytes
    /// because the masker renders keys straight from its buffers.
    static func appendKey(_ key: UnsafeBufferPointer<UInt8>, to text: inout [UInt8]) {
        if isShorthandName(key) {
            text.append(UInt8(ascii: "."))
            text.append(contentsOf: key)
            return
        }
        text.append(contentsOf: "['".utf8)
        var bytes = key.makeIterator()
        var decoder = UTF8()
        while case .scalarValue(let scalar) = decoder.decode(&bytes) {
            switch scalar {
            case "'": text.append(contentsOf: "\\'".utf8)
            case "\\": text.append(contentsOf: "\\\\".utf8)
            case _ where needsEscape(scalar): appendUnicodeEscape(scalar, to: &text)
            default: UTF8.encode(scalar) { text.append($0) }
            }
        }
        text.append(contentsOf: "']".utf8)
    }

    /// Whether `name` may be written after a dot, as the parser accepts it.
    private static func isShorthandName(_ name: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let first = name.first, isNameStart(Unicode.Scalar(first)) else { return false }
        return name.dropFirst().allSatisfy { isNameContinuation(Unicode.Scalar($0)) }
    }

    /// ASCII only, so a dotted name never hides look-alike or invisible characters.
    static func isNameStart(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || scalar == "_"
    }

    /// `-` is allowed after the first character because header-like keys
    /// (`x-api-key`) are common in configs.
    static func isNameContinuation(_ scalar: Unicode.Scalar) -> Bool {
        isNameStart(scalar) || ("0"..."9").contains(scalar) || scalar == "-"
    }

    private static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator: true
        default: false
        }
    }

    /// Writes `\uXXXX`, or a UTF-16 surrogate pair of them above U+FFFF.
    private static func appendUnicodeEscape(_ scalar: Unicode.Scalar, to text: inout [UInt8]) {
        for unit in UTF16.encode(scalar)! {
            let hex = String(unit, radix: 16)
            text.append(contentsOf: "\\u".utf8)
            text.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: 4 - hex.utf8.count))
            text.append(contentsOf: hex.utf8)
        }
    }
}
