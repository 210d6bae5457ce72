import WardenJSONMask
import Testing

@Suite struct LargeStreamTests {
    /// A ~50 MB array of user records, fed in 16 KiB chunks as a proxy would:
    /// state kept between feeds must stay small, and every secret is masked.
    @Test func masks50MBStreamWithBoundedState() throws {
        let record = Array(#"{"id":1,"name":"Ann Lee","email":"ann@example.com","ssn":"123-45-6789","note":"Called on Tuesday; prefers email."}"#.utf8)
        let records = 50_000_000 / (record.count + 1)
        var document: [UInt8] = [UInt8(ascii: "[")]
        document.reserveCapacity(records * (record.count + 1) + 1)
        for i in 0..<records {
            if i > 0 { document.append(UInt8(ascii: ",")) }
            document += record
        }
        document.append(UInt8(ascii: "]"))

        var masker = JSONStreamMasker(patterns: try patterns(["$..ssn", "$[*].email"]))
        var outputBytes = 0
        var masked = 0
        var strings = 0
        var maxRetained = 0
        let mask = { (values: inout [JSONScalar]) in
            strings += values.count
            for i in values.indices where values[i].matchedPattern != nil {
                values[i].replacement = "***"
                masked += 1
            }
        }
        var secretsSeen = 0
        try document.withUnsafeBytes { all in
            var offset = 0
            while offset < all.count {
                let end = min(offset + 16 << 10, all.count)
                let output = try masker.feed(UnsafeRawBufferPointer(rebasing: all[offset..<end]), mask: mask)
                outputBytes += output.count
                secretsSeen += occurrences(of: Array("6789".utf8), in: output)
                maxRetained = max(maxRetained, masker.retainedBytes)
                offset = end
            }
        }
        outputBytes += try masker.finish(mask: mask).count

        #expect(masked == 2 * records)
        #expect(strings == 4 * records)
        #expect(secretsSeen == 0)
        let saved = ("\"123-45-6789\"".count - 5) + ("\"ann@example.com\"".count - 5)
        #expect(outputBytes == document.count - records * saved)
        // A chunk's worth of per-value bookkeeping, nothing proportional to the document.
        #expect(maxRetained < 128 << 10, "retained \(maxRetained) bytes")
        print("50 MB stream: \(document.count) bytes in, \(outputBytes) out, at most \(maxRetained) bytes retained between feeds")
    }
}

private func occurrences(of needle: [UInt8], in haystack: [UInt8]) -> Int {
    guard haystack.count >= needle.count else { return 0 }
    var count = 0
    for start in 0...(haystack.count - needle.count) where haystack[start] == needle[0] {
        if haystack[start..<start + needle.count].elementsEqual(needle) { count += 1 }
    }
    return count
}
