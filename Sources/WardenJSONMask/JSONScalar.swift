/// A string or number value handed to the `mask` callback.
///
/// The masker hands over every string (so content rules can inspect text at
/// any path) but a number only when a pattern matches it: numbers are the
/// bulk of many documents and only a path rule can ask for one.
///
/// `value`, `path` and `renderedPath` are decoded on access from storage
/// shared by the batch, so a value the consumer skips costs no allocation.
public struct JSONScalar: Sendable {
    public let isString: Bool
    /// Index into the masker's `patterns` of the first pattern matching `path`.
    public let matchedPattern: Int?
    /// Set to replace the value; it is written as a JSON string literal.
    public var replacement: String?

    /// How the last path segment is stored.
    enum LastSegment: Sendable {
        case none
        case index(Int)
        /// A key's bytes in `storage`: its raw literal body if `escaped`,
        /// else its text.
        case key(Range<Int>, escaped: Bool)
    }

    /// Set for the whole batch once the chunk is scanned.
    var storage = ScalarStorage.empty
    /// The literal in `storage`, quotes included; also its position in the
    /// feed's output before replacements.
    let literal: Range<Int>
    let isEscaped: Bool
    /// Offset of the encoded container path in `storage` (-1: top level).
    let containerPath: Int
    let lastSegment: LastSegment

    /// The decoded text: escapes resolved, surrogate pairs combined. For a
    /// number, its spelling in the document (e.g. `1e999`).
    public var value: String {
        let body = isString ? literal.lowerBound + 1..<literal.upperBound - 1 : literal
        return storage.text(body, escaped: isEscaped)
    }

    /// Where the value is, keys unescaped: `[.key("users"), .index(3), .key("email")]`.
    public var path: [JSONPathSegment] {
        storage.path(container: containerPath, last: lastSegment)
    }

    /// `path` as JSONPath text, e.g. `$.users[3].email`.
    public var renderedPath: String {
        storage.renderedPath(container: containerPath, last: lastSegment)
    }

    init(isString: Bool, isEscaped: Bool, matchedPattern: Int?, literal: Range<Int>,
         containerPath: Int, lastSegment: LastSegment) {
        self.isString = isString
        self.isEscaped = isEscaped
        self.matchedPattern = matchedPattern
        self.literal = literal
        self.containerPath = containerPath
        self.lastSegment = lastSegment
    }
}
