/// All patterns compiled into one NFA. A state is a set of pattern positions,
/// held as a bitset of `wordCount` words: position `p` of a pattern with `n`
/// steps means "the first `p` steps matched", and `n` is accepting. A
/// descendant (`..`) step keeps its position on any segment, which is how
/// "zero or more levels" is expressed without backtracking: one step costs
/// O(live positions), a whole path O(path length × positions).
///
/// With `coveringDescendants`, an accepting position also loops on every
/// segment, so whatever lies under a matched object or array counts as
/// matched: a rule for `$..card` must not miss `{"card":{"number":…}}`.
///
/// It runs for every key and array element of the document, so its tables
/// live in buffers allocated once: reading them costs no reference counting.
/// `@unchecked Sendable` is sound because they are written only in `init`.
final class PathAutomaton: @unchecked Sendable {
    private struct Position {
        enum Test: UInt8 { case key, index, any, accept }
        let test: Test
        let descendant: Bool
        /// The index for `.index`; the offset into `names` for `.key`.
        let operand: Int
        /// Name length in bytes for `.key`.
        let length: Int
    }

    private let positions: UnsafeMutableBufferPointer<Position>
    /// All key names, concatenated.
    private let names: UnsafeMutableBufferPointer<UInt8>
    /// Accepting position of each pattern, in pattern order.
    private let acceptPositions: UnsafeMutableBufferPointer<Int>
    private let acceptMask: UnsafeMutableBufferPointer<UInt64>
    let wordCount: Int
    /// The state at the document root: position 0 of every pattern.
    let initial: UnsafeMutableBufferPointer<UInt64>

    init(_ patterns: [JSONPathPattern], coveringDescendants: Bool) {
        var positions: [Position] = []
        var names: [UInt8] = []
        var starts: [Int] = []
        var accepts: [Int] = []
        for pattern in patterns {
            starts.append(positions.count)
            for step in pattern.steps {
                switch step.selector {
                case .key(let name):
                    positions.append(Position(test: .key, descendant: step.descendant, operand: names.count, length: name.utf8.count))
                    names.append(contentsOf: name.utf8)
                case .index(let index):
                    positions.append(Position(test: .index, descendant: step.descendant, operand: index, length: 0))
                case .wildcard:
                    positions.append(Position(test: .any, descendant: step.descendant, operand: 0, length: 0))
                }
            }
            accepts.append(positions.count)
            positions.append(Position(test: .accept, descendant: coveringDescendants, operand: 0, length: 0))
        }
        wordCount = max(1, (positions.count + 63) / 64)
        var initial = [UInt64](repeating: 0, count: wordCount)
        var acceptMask = initial
        for start in starts { initial[start >> 6] |= 1 << (start & 63) }
        for accept in accepts { acceptMask[accept >> 6] |= 1 << (accept & 63) }
        self.positions = Self.buffer(positions)
        self.names = Self.buffer(names)
        self.acceptPositions = Self.buffer(accepts)
        self.acceptMask = Self.buffer(acceptMask)
        self.initial = Self.buffer(initial)
    }

    private static func buffer<Element>(_ array: [Element]) -> UnsafeMutableBufferPointer<Element> {
        let buffer = UnsafeMutableBufferPointer<Element>.allocate(capacity: array.count)
        _ = buffer.initialize(from: array)
        return buffer
    }

    deinit {
        positions.deallocate()
        names.deallocate()
        acceptPositions.deallocate()
        acceptMask.deallocate()
        initial.deallocate()
    }

    /// Writes into `next` (`wordCount` words) the state reached from `state` by one more segment.
    func advance(_ state: UnsafePointer<UInt64>, by segment: RawPathSegment, into next: UnsafeMutablePointer<UInt64>) {
        for word in 0..<wordCount { next[word] = 0 }
        for word in 0..<wordCount {
            var bits = state[word]
            while bits != 0 {
                let p = word << 6 | bits.trailingZeroBitCount
                bits &= bits &- 1
                let position = positions[p]
                if position.descendant { next[word] |= 1 << (p & 63) }
                if test(position, segment) {
                    next[(p + 1) >> 6] |= 1 << ((p + 1) & 63)
                }
            }
        }
    }

    private func test(_ position: Position, _ segment: RawPathSegment) -> Bool {
        switch (position.test, segment) {
        case (.any, _):
            return true
        case (.index, .index(let index)):
            return index == position.operand
        case (.key, .key(let key)):
            guard key.count == position.length else { return false }
            for i in 0..<key.count where key[i] != names[position.operand + i] { return false }
            return true
        default:
            return false
        }
    }

    /// Whether no pattern can match at or below a value in `state`.
    func isDead(_ state: UnsafePointer<UInt64>) -> Bool {
        for word in 0..<wordCount where state[word] != 0 { return false }
        return true
    }

    /// Index of the first pattern whose accepting position is in `state`.
    func firstAccepted(_ state: UnsafePointer<UInt64>) -> Int? {
        var any: UInt64 = 0
        for word in 0..<wordCount { any |= state[word] & acceptMask[word] }
        guard any != 0 else { return nil }
        return acceptPositions.firstIndex { state[$0 >> 6] & (1 << ($0 & 63)) != 0 }
    }

    /// Runs a whole materialised path; used by `JSONPathPattern.matches`.
    func firstMatch(_ path: [JSONPathSegment]) -> Int? {
        var state = Array(initial)
        var next = state
        for segment in path {
            switch segment {
            case .index(let index):
                advance(state, by: .index(index), into: &next)
            case .key(let key):
                var key = key
                key.withUTF8 { advance(state, by: .key($0), into: &next) }
            }
            swap(&state, &next)
        }
        return firstAccepted(state)
    }
}

/// A path segment as the masker holds it: a key is unescaped UTF-8 bytes.
enum RawPathSegment {
    case key(UnsafeBufferPointer<UInt8>)
    case index(Int)
}
