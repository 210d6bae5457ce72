/// A JSONPath expression from a masking rule, restricted to what can be
/// decided while streaming: `$`, `.name`, `['name']`, `["name"]`, `[N]`,
/// `[*]`, `.*`, and recursive descent `..name`, `..*`, `..[…]`.
public struct JSONPathPattern: Hashable, Sendable, CustomStringConvertible {
    /// The pattern as written in the configuration.
    public let text: String
    let steps: [PatternStep]

    public init(_ text: String) throws(JSONPathError) {
        var parser = JSONPathParser(text)
        self.text = text
        self.steps = try parser.parse()
    }

    /// Whether the pattern selects exactly the value at `path` (keys already
    /// unescaped). Runs the stream masker's automaton, in O(path × pattern)
    /// time; the masker additionally treats values under a selected object or
    /// array as matched.
    public func matches(_ path: [JSONPathSegment]) -> Bool {
        PathAutomaton([self], coveringDescendants: false).firstMatch(path) != nil
    }

    public var description: String { text }
}

/// One segment of a pattern; `descendant` means it was written after `..`
/// and may be preceded by any number of levels.
struct PatternStep: Hashable, Sendable {
    enum Selector: Hashable, Sendable {
        case key(String)
        case index(Int)
        case wildcard
    }

    let selector: Selector
    let descendant: Bool
}
