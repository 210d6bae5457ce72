import WardenSQLCore
import Testing

@testable import WardenPostgres

/// The caches give exactly what classifying gives, and stay bounded.
@Suite struct ClassificationCacheTests {
    @Test func aCachedActionIsTheClassifiersAction() {
        var cache = ClassificationCache()
        let texts = ["SELECT * FROM orders WHERE id = $1", "DROP TABLE orders", "SELECT 1; DELETE FROM orders"]
        for text in texts + texts {
            #expect(cache.action(for: text) == SQLClassifier.classify(text).action(for: text))
        }
        #expect(cache.count == texts.count)
    }

    @Test func aFullCacheStartsOver() {
        var cache = ClassificationCache(capacity: 4)
        for id in 1...10 {
            _ = cache.action(for: "SELECT \(id)")
            #expect(cache.count <= 4)
        }
        #expect(cache.action(for: "DELETE FROM orders").classification == .write)
    }

    @Test func statementsOfOneShapeShareAClassificationButKeepTheirText() {
        let shapes = StatementShapes()
        var cache = ClassificationCache(shapes: shapes)
        let first = cache.action(for: "SELECT * FROM orders WHERE id = 41")
        let second = cache.action(for: "SELECT * FROM orders WHERE id = 42")
        #expect(shapes.count == 1)
        #expect(first.text == "SELECT * FROM orders WHERE id = 41")
        #expect(second.text == "SELECT * FROM orders WHERE id = 42")
        #expect(second.targets == ["orders"])
    }

    @Test func aClassificationThatReadAConstantIsNotSharedBetweenShapes() {
        let shapes = StatementShapes()
        var cache = ClassificationCache(shapes: shapes)
        let harmless = cache.action(for: "SELECT set_config('application_name', 'x', false)")
        let pinned = cache.action(for: "SELECT set_config('standard_conforming_strings', 'off', false)")
        #expect(!harmless.attributes.contains { $0.key == "refuse" })
        #expect(pinned.attributes.contains { $0.key == "refuse" })
        #expect(shapes.count == 0)
    }

    @Test func theShapeCacheIsBoundedInEntriesAndBytes() {
        let shapes = StatementShapes(maximumEntries: 3, maximumBytes: 1 << 20, maximumShapeBytes: 64)
        for table in 1...10 { _ = shapes.classification(of: "SELECT * FROM t\(table)") }
        #expect(shapes.count <= 3)
        _ = shapes.classification(of: "SELECT * FROM " + String(repeating: "x", count: 100))
        #expect(shapes.count <= 3)
    }

    /// Each entry holds its shape as the key and in the classification: the
    /// byte bound counts both copies.
    @Test func theByteBoundCountsWhatTheEntriesHold() {
        let shape = "SELECT * FROM t1"  // 16 bytes, held twice
        let shapes = StatementShapes(maximumEntries: 100, maximumBytes: 64, maximumShapeBytes: 64)
        _ = shapes.classification(of: shape)
        #expect(shapes.heldBytes == 2 * shape.utf8.count)
        for table in 2...9 {
            _ = shapes.classification(of: "SELECT * FROM t\(table)")
            #expect(shapes.count <= 2)
            #expect(shapes.heldBytes <= 64)
        }
    }

    /// Red team: U+037E GREEK QUESTION MARK is canonically equal to `;` for
    /// Swift's String, but an identifier character to PostgreSQL. A decoy
    /// with it must not lend its verdict to the real statement.
    @Test func textsThatDifferInBytesNeverShareAnEntry() {
        let shapes = StatementShapes()
        var cache = ClassificationCache(shapes: shapes)
        let decoy = cache.action(for: "SELECT 1 FROM pg_am\u{037E}TRUNCATE payments")
        let real = cache.action(for: "SELECT 1 FROM pg_am;TRUNCATE payments")
        #expect(decoy.classification == .read)
        #expect(real.classification == .ddl)
        #expect(real.targets.contains("payments"))
        var other = ClassificationCache(shapes: shapes)
        #expect(other.action(for: "SELECT 1 AS b;DELETE FROM items").risk == .high)
    }
}
