/// Why a streamed body was rejected. After an error the masker stays failed:
/// every later call rethrows it, so unvalidated bytes can never be passed on.
public struct JSONStreamError: Error, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// Not JSON: bad token, misplaced punctuation, mismatched brackets, trailing garbage.
        case syntax
        /// Raw control character, invalid UTF-8, bad escape or lone surrogate in a string.
        case invalidString
        case depthLimitExceeded
        /// A string or number longer than `maxValueBytes`.
        case valueTooLarge
        /// The body ended inside a value.
        case truncated
        /// The `mask` callback threw, or changed the values in a way that cannot be applied.
        case maskFailed
    }

    public let kind: Kind
    /// Byte offset in the whole stream where the problem was found.
    public let offset: Int
    public let message: String
    /// The error thrown by `mask`, for `.maskFailed`.
    public let underlying: (any Error)?

    init(_ kind: Kind, at offset: Int, _ message: String, underlying: (any Error)? = nil) {
        self.kind = kind
        self.offset = offset
        self.message = message
        self.underlying = underlying
    }

    public var description: String { "invalid JSON body at byte \(offset): \(message)" }
}

/// A failure found while scanning a chunk; `index` is relative to the chunk
/// (negative for a token that began in an earlier chunk).
struct ScanError: Error {
    let index: Int
    let kind: JSONStreamError.Kind
    let message: String

    init(_ kind: JSONStreamError.Kind, at index: Int, _ message: String) {
        self.kind = kind
        self.index = index
        self.message = message
    }
}
