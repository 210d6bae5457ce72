import WardenJSONMask

/// What the masker did with one document: its output and every value it
/// handed to `mask`, in order.
struct MaskRun: Equatable {
    struct Value: Equatable, CustomStringConvertible {
        let path: String
        let value: String
        let isString: Bool
        let matchedPattern: Int?
        var description: String { "\(path)=\(value)\(isString ? "" : "#")\(matchedPattern.map { "@\($0)" } ?? "")" }
    }

    var output: [UInt8] = []
    var values: [Value] = []
    var text: String { String(decoding: output, as: UTF8.self) }
}

/// Replaces every value a pattern matched with "***".
func maskMatched(_ scalar: JSONScalar) -> String? {
    scalar.matchedPattern == nil ? nil : "***"
}

func patterns(_ texts: [String]) throws -> [JSONPathPattern] {
    try texts.map { try JSONPathPattern($0) }
}

/// Runs `document` through a masker, cut at `splits` (sorted offsets).
func runMasker(
    _ document: [UInt8], patterns texts: [String], splits: [Int] = [],
    maxDepth: Int = 512, maxValueBytes: Int = 1 << 20,
    replace: (JSONScalar) -> String? = maskMatched
) throws -> MaskRun {
    var masker = JSONStreamMasker(patterns: try patterns(texts), maxDepth: maxDepth, maxValueBytes: maxValueBytes)
    var run = MaskRun()
    func mask(_ values: inout [JSONScalar]) {
        for i in values.indices {
            run.values.append(.init(path: values[i].renderedPath, value: values[i].value,
                                    isString: values[i].isString, matchedPattern: values[i].matchedPattern))
            values[i].replacement = replace(values[i])
        }
    }
    try document.withUnsafeBytes { all in
        var start = 0
        for end in splits + [all.count] {
            run.output += try masker.feed(UnsafeRawBufferPointer(rebasing: all[start..<end]), mask: mask)
            start = end
        }
    }
    run.output += try masker.finish(mask: mask)
    return run
}

func runMasker(
    _ document: String, patterns texts: [String], splits: [Int] = [],
    maxDepth: Int = 512, maxValueBytes: Int = 1 << 20,
    replace: (JSONScalar) -> String? = maskMatched
) throws -> MaskRun {
    try runMasker(Array(document.utf8), patterns: texts, splits: splits,
                  maxDepth: maxDepth, maxValueBytes: maxValueBytes, replace: replace)
}

/// The error the masker throws for `document`, or nil if it accepts it.
func maskerError(_ document: [UInt8], splits: [Int] = [], maxDepth: Int = 512, maxValueBytes: Int = 1 << 20) -> JSONStreamError? {
    do {
        _ = try runMasker(document, patterns: ["$..x"], splits: splits, maxDepth: maxDepth, maxValueBytes: maxValueBytes)
        return nil
    } catch let error as JSONStreamError {
        return error
    } catch {
        Issue.record("unexpected error \(error)")
        return nil
    }
}

import Testing
