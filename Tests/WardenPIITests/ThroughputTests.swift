import Foundation
import Testing

@testable import WardenPII

/// A rough measure of detection speed, off by default: timings on a shared
/// machine are not a pass/fail signal. Run with `PII_BENCHMARK=1`.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["PII_BENCHMARK"] != nil))
struct ThroughputTests {
    @Test func allDetectorsOverTypicalRows() throws {
        let rows = [
            "Ada Lovelace", "ada@example.com", "+1 (415) 555-0123", "2026-11-25 10:30:45", "12345",
            #"{"id":1,"email":"ada@example.com","note":"paid with 4111 1111 1111 1111 from 10.0.0.1"}"#,
            "The quick brown fox jumps over the lazy dog, order 1234567890123456, version 1.2.3.",
        ]
        let masker = try MaskerFactory.make(named: "pii.redact", options: ["detect": "all"])
        let bytes = rows.reduce(0) { $0 + $1.utf8.count }
        let rounds = 20_000
        let start = ContinuousClock.now
        var changed = 0
        for _ in 0..<rounds {
            for row in rows where masker.mask(row) != nil { changed += 1 }
        }
        let seconds = (ContinuousClock.now - start) / .seconds(1)
        let megabytes = Double(bytes * rounds) / 1_000_000
        print("pii detect=all: \(rounds * rows.count) values, \(megabytes) MB in \(seconds) s: "
            + "\(Int(megabytes / seconds)) MB/s, \(Int(Double(rounds * rows.count) / seconds)) values/s")
        #expect(changed == rounds * 3)
    }
}
