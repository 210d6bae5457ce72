/// Why a JSONPath pattern from the configuration could not be parsed.
public struct JSONPathError: Error, Equatable, CustomStringConvertible {
    /// The pattern as written.
    public let pattern: String
    /// Zero-based offset, in Unicode scalars, where parsing failed.
    public let position: Int
    /// What went wrong there, e.g. `expected ']' after the index, found 'x'`.
    public let message: String

    public var description: String {
        "invalid JSONPath \"\(pattern)\" at position \(position): \(message)"
    }
}
