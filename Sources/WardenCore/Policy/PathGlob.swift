/// A pattern for paths and attribute values, as rules write them:
/// `/users/*/ssn`, `/admin/**`.
///
/// `*` matches any characters but `/` (one path segment, or part of one);
/// `**` matches any characters, `/` included; everything else matches
/// itself, byte for byte. A pattern ending in `/**` also matches what comes
/// before it (`/admin/**` matches `/admin`: servers answer both alike). Matching takes time linear in the value's length
/// for each piece of the pattern: no backtracking blow-up.
public struct PathGlob: Sendable, Equatable, CustomStringConvertible {
    private enum Piece: Equatable, Sendable {
        case literal([UInt8])
        case star
        case globstar
    }

    public let description: String
    private let pieces: [Piece]
    /// For a pattern ending in `/**`: the pieces before it.
    private let directory: [Piece]?

    public init(_ pattern: String) {
        description = pattern
        var pieces: [Piece] = []
        var literal: [UInt8] = []
        let bytes = Array(pattern.utf8)
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "*") {
                if !literal.isEmpty { pieces.append(.literal(literal)); literal = [] }
                if index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "*") {
                    pieces.append(.globstar)
                    index += 2
                } else {
                    pieces.append(.star)
                    index += 1
                }
            } else {
                literal.append(bytes[index])
                index += 1
            }
        }
        if !literal.isEmpty { pieces.append(.literal(literal)) }
        self.pieces = pieces
        if pattern.hasSuffix("/**"), pieces.count >= 2, case .literal(let last) = pieces[pieces.count - 2], last.last == UInt8(ascii: "/") {
            var before = Array(pieces.dropLast(2))
            if last.count > 1 { before.append(.literal(Array(last.dropLast()))) }
            directory = before
        } else {
            directory = nil
        }
    }

    public func matches(_ value: String) -> Bool {
        let text = Array(value.utf8)
        if let directory, Self.matches(directory, text) { return true }
        return Self.matches(pieces, text)
    }

    private static func matches(_ pieces: [Piece], _ text: [UInt8]) -> Bool {
        // The set of positions in `value` the pieces so far can end at,
        // advanced piece by piece (a Thompson-style simulation).
        var positions = Set([0])
        for piece in pieces {
            var next = Set<Int>()
            switch piece {
            case .literal(let bytes):
                for start in positions where start + bytes.count <= text.count
                    && text[start..<(start + bytes.count)].elementsEqual(bytes) {
                    next.insert(start + bytes.count)
                }
            case .star:
                // Each start reaches up to the next `/`; a start inside a
                // stretch already scanned reaches no further.
                var scannedTo = -1
                for start in positions.sorted() where start > scannedTo {
                    var end = start
                    next.insert(end)
                    while end < text.count, text[end] != UInt8(ascii: "/") {
                        end += 1
                        next.insert(end)
                    }
                    scannedTo = end
                }
            case .globstar:
                if let first = positions.min() { next = Set(first...text.count) }
            }
            positions = next
            if positions.isEmpty { return false }
        }
        return positions.contains(text.count)
    }
}
