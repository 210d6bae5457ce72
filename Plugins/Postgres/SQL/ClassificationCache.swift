import WardenSQLCore
import CPgQuery
import Foundation
import WardenPluginSDK

/// The policy actions of statement texts a session sent before.
///
/// Drivers send the same texts again and again: a prepared statement's every
/// execution, the unnamed statement an ORM parses for each query. Classifying
/// is a pure function of the text, so its result can be kept; the cache is
/// per session and bounded, and starts over when full rather than tracking
/// which entry is oldest. A text not seen before is normalized and looked up
/// by its shape in the plugin-wide ``StatementShapes``.
struct ClassificationCache {
    private var actions: [ExactText: Action] = [:]
    let capacity: Int
    let shapes: StatementShapes
    /// Longer texts are classified again rather than kept.
    static let maximumTextBytes = 16 << 10
    /// The session classified a text of ``StatementShapes/largeTextBytes``
    /// or more: its memory should go back to the system when it ends.
    private(set) var sawLargeText = false

    init(capacity: Int = 256, shapes: StatementShapes = StatementShapes()) {
        self.capacity = capacity
        self.shapes = shapes
    }

    var count: Int { actions.count }

    /// The action for `text`, classified now unless it was before.
    mutating func action(for text: String) -> Action {
        let key = ExactText(text)
        if let known = actions[key] { return known }
        let action = shapes.classification(of: text).action(for: text)
        // A long text is rarely sent twice; keeping it would hold its memory.
        guard text.utf8.count <= Self.maximumTextBytes else {
            if text.utf8.count > StatementShapes.largeTextBytes { sawLargeText = true }
            return action
        }
        if actions.count >= capacity { actions.removeAll(keepingCapacity: true) }
        actions[key] = action
        return action
    }
}

/// Classifications by statement shape (the text with its constants replaced
/// by parameters), shared by every session of the plugin: `SELECT … WHERE
/// id = 41` and `… id = 42` cost one normalization and a look-up.
///
/// A classification that read a constant's value is never kept, since
/// another statement of the same shape may differ. Bounded in entries and
/// in bytes; starts over when full. An entry holds its shape twice (the
/// key's bytes and the classification's `normalized` text) and the bound
/// counts both: counting one let a full cache hold twice its bound for as
/// long as the plugin ran.
package final class StatementShapes: @unchecked Sendable {
    // NSLock rather than Synchronization.Mutex: Mutex needs macOS 15 and the
    // package still targets macOS 14. Every access to `entries` and `bytes` holds `lock`.
    private let lock = NSLock()
    private var entries: [ExactText: SQLClassification] = [:]
    private var bytes = 0
    let maximumEntries: Int
    let maximumBytes: Int
    /// Longer shapes are classified every time rather than kept.
    let maximumShapeBytes: Int

    package init(maximumEntries: Int = 4_096, maximumBytes: Int = 8 << 20, maximumShapeBytes: Int = 16 << 10) {
        self.maximumEntries = maximumEntries
        self.maximumBytes = maximumBytes
        self.maximumShapeBytes = maximumShapeBytes
    }

    var count: Int { lock.withLock { entries.count } }
    /// The shape bytes the entries hold, as counted against ``maximumBytes``.
    var heldBytes: Int { lock.withLock { bytes } }

    /// Classifying a text this long allocates enough (its parse tree as
    /// JSON, then as objects) that the allocator should give it back.
    static let largeTextBytes = 64 << 10

    /// glibc keeps freed memory in its arenas; after a large statement that
    /// is megabytes per event-loop thread, for as long as the gateway runs.
    /// This gives back the free pages between blocks in use (5 MB after
    /// eighty 350 KB statements); an arena's free top goes back on its own
    /// because the host pins glibc's thresholds (`AllocatorSettings`).
    static func returnFreedMemory() {
        malloc_trim(0)
    }

    package func classification(of text: String) -> SQLClassification {
        guard case .success(let shape) = PostgresParser.normalize(text) else {
            return SQLClassifier.classify(text, normalized: text)
        }
        let key = ExactText(shape)
        if let known = lock.withLock({ entries[key] }) { return known }
        let classification = SQLClassifier.classify(text, normalized: shape)
        if text.utf8.count > Self.largeTextBytes { Self.returnFreedMemory() }
        guard !classification.dependsOnConstants, shape.utf8.count <= maximumShapeBytes else { return classification }
        let size = 2 * shape.utf8.count
        lock.withLock {
            if entries.count >= maximumEntries || bytes + size > maximumBytes {
                entries.removeAll(keepingCapacity: true)
                bytes = 0
            }
            if entries.updateValue(classification, forKey: key) == nil { bytes += size }
        }
        return classification
    }
}
