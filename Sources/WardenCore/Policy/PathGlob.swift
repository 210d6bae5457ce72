/// A pattern for paths and attribute values, as rules write them:
/// `/users/*/ssn`, `/admin/**`.
///
/// `*` matches any characters but `/` (one path segment, or part of one);
/// `**` matches any characters, `/` included; everything else matches
/// itself, byte for byte. Matching takes time linear in the value's length
/// for each piece of the pattern: no backtracking blow-up.
public struct PathGlob: Sendable, Equatable, CustomStringConvertible {
    private enum Piece: Equatable, Sendable {
        case literal([UInt8])
        case star
        case globstar
    }

    public let description: String
    private let pieces: [Piece]

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
    }

    public func matches(_ value: String) -> Bool {
        // The set of positions in `value` the pieces so far can end at,
        // advanced piece by piece (a Thompson-style simulation).
        let text = Array(value.utf8)
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
