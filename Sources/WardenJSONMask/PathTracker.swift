/// Where the masker is in the document: one entry per open container, plus
/// the automaton state of the value currently being entered ("member").
///
/// Nothing here allocates per value: keys live in a `KeyStack`, and automaton
/// states are stacked per level so matching a value is one automaton step
/// from its parent, never a re-walk of the path. A container's path is
/// encoded for `mask` at most once per feed, and only if one of its values
/// is handed over.
struct PathTracker: Sendable {
    private let automaton: PathAutomaton
    /// Per open container: the next element index, or -1 for an object.
    private var nextIndexes: [Int] = []
    private(set) var keys = KeyStack()
    /// Automaton states, `wordCount` words each: one per open container,
    /// then one for the member being entered.
    private var states: [UInt64]
    /// Where the innermost container's path was encoded in this feed's storage.
    private var containerPathOffset: Int?

    init(patterns: [JSONPathPattern]) {
        automaton = PathAutomaton(patterns, coveringDescendants: true)
        states = Array(automaton.initial)
    }

    var depth: Int { nextIndexes.count }
    var inArray: Bool { (nextIndexes.last ?? -1) >= 0 }

    /// Index of the member being entered in the innermost (array) container.
    var memberIndex: Int { nextIndexes[nextIndexes.count - 1] - 1 }

    /// Heap bytes held for the open containers.
    var retainedBytes: Int {
        nextIndexes.capacity * MemoryLayout<Int>.stride + keys.retainedBytes
            + states.capacity * MemoryLayout<UInt64>.stride
    }

    /// A top-level value starts: its path is `$`.
    mutating func enterRoot() {
        for word in 0..<automaton.wordCount { states[word] = automaton.initial[word] }
    }

    /// An element of the innermost (array) container starts.
    mutating func enterElement() {
        let index = nextIndexes[nextIndexes.count - 1]
        nextIndexes[nextIndexes.count - 1] = index + 1
        advance(key: false, index: index)
    }

    /// A key of the innermost (object) container was read. `body` is its raw
    /// literal without quotes. Returns false if the key contains U+0000.
    mutating func enterKey(_ body: UnsafeBufferPointer<UInt8>, escaped: Bool) -> Bool {
        keys.setInnermost(body, escaped: escaped)
        advance(key: true, index: 0)
        return !escaped || !keys.withKey(level: depth - 1) { $0.contains(0) }
    }

    mutating func push(isArray: Bool) {
        // The member becomes the container; a new member slot follows it.
        states.append(contentsOf: repeatElement(0, count: automaton.wordCount))
        nextIndexes.append(isArray ? 0 : -1)
        keys.push()
        containerPathOffset = nil
    }

    mutating func pop() {
        states.removeLast(automaton.wordCount)
        nextIndexes.removeLast()
        keys.pop()
        containerPathOffset = nil
    }

    /// The first pattern matching the member being entered, if any.
    var memberMatch: Int? {
        states.withUnsafeBufferPointer { automaton.firstAccepted($0.baseAddress! + memberSlot) }
    }

    private var memberSlot: Int { states.count - automaton.wordCount }

    /// A new feed's storage starts empty, so container paths are re-encoded.
    mutating func storageReset() {
        containerPathOffset = nil
    }

    /// Offset in `storage` of the innermost container's encoded path (once
    /// per container and feed); -1 at the top level.
    mutating func encodeContainerPath(into storage: inout [UInt8]) -> Int {
        guard depth > 0 else { return -1 }
        if let containerPathOffset { return containerPathOffset }
        let offset = storage.count
        PathEncoding.appendInt(depth - 1, to: &storage)
        for level in 0..<depth - 1 {
            if nextIndexes[level] >= 0 {
                PathEncoding.appendIndex(nextIndexes[level] - 1, to: &storage)
            } else {
                keys.withKey(level: level) { PathEncoding.appendKey($0, to: &storage) }
            }
        }
        containerPathOffset = offset
        return offset
    }

    /// Appends the innermost key's text, for a value whose key was read in
    /// an earlier chunk.
    func appendInnermostKey(to storage: inout [UInt8]) {
        keys.withKey(level: depth - 1) { storage.append(contentsOf: $0) }
    }

    /// Steps the member's state from the innermost container's state, by the
    /// innermost key or by `index`.
    private mutating func advance(key: Bool, index: Int) {
        let automaton = automaton
        let member = memberSlot
        var states: [UInt64] = []
        swap(&states, &self.states)  // Work on a local so `self` is only read below.
        states.withUnsafeMutableBufferPointer { states in
            let parent = UnsafePointer(states.baseAddress! + member - automaton.wordCount)
            let next = states.baseAddress! + member
            // Below a level no pattern can reach, skip the automaton.
            if automaton.isDead(parent) {
                for word in 0..<automaton.wordCount { next[word] = 0 }
            } else if key {
                keys.withKey(level: depth - 1) { automaton.advance(parent, by: .key($0), into: next) }
            } else {
                automaton.advance(parent, by: .index(index), into: next)
            }
        }
        swap(&states, &self.states)
    }
}
