import Testing

@testable import WardenPostgres

/// The per-session cache gives exactly what classifying gives, and stays bounded.
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
}
