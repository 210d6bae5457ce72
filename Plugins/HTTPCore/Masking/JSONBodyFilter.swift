import WardenJSONMask
import WardenPluginSDK

/// Masks a JSON body as it streams (see ``JSONStreamMasker``): values the
/// dialect's replacements name (or that lie inside an object or array they
/// name) become the replacement's string; values the connection's `paths`
/// rules name go to their masker; with `detects`, every other string value
/// goes through the detectors. All other bytes pass unchanged. One host
/// call masks all values a chunk of the body completes.
final class JSONBodyFilter: BodyFilter {
    private var masker: JSONStreamMasker
    private let host: any ProxyHost
    /// The dialect's replacements come first in the masker's patterns, the connection's after.
    private let replacements: [String]
    private let patterns: [String]
    private let detects: Bool

    init(patterns: [String], replacements: [DialectMasking.Replacement] = [], detects: Bool = true,
         host: any ProxyHost) throws(BodyFilters.Refusal) {
        var parsed: [JSONPathPattern] = []
        for text in replacements.map(\.path) + patterns {
            do {
                parsed.append(try JSONPathPattern(text))
            } catch {
                throw BodyFilters.Refusal(description: "the masking path \(text) is not valid: \(error)")
            }
        }
        masker = JSONStreamMasker(patterns: parsed)
        self.host = host
        self.replacements = replacements.map(\.with)
        self.patterns = patterns
        self.detects = detects
    }

    func feed(_ bytes: UnsafeRawBufferPointer) throws -> [UInt8] {
        try masker.feed(bytes) { scalars in try self.mask(&scalars) }
    }

    func finish() throws -> [UInt8] {
        try masker.finish { scalars in try self.mask(&scalars) }
    }

    /// A value a rule names carries the rule's path as its source, so the
    /// host applies that rule's masker; the others are for the detectors.
    private func mask(_ scalars: inout [JSONScalar]) throws {
        var forHost: [Int] = []
        for index in scalars.indices {
            if let pattern = scalars[index].matchedPattern, pattern < replacements.count {
                scalars[index].replacement = replacements[pattern]
            } else if detects || scalars[index].matchedPattern != nil {
                forHost.append(index)
            }
        }
        guard !forHost.isEmpty else { return }
        let fields = forHost.map { index in
            let scalar = scalars[index]
            return Field(
                name: scalar.matchedPattern == nil ? "" : scalar.renderedPath,
                source: scalar.matchedPattern.map { patterns[$0 - replacements.count] } ?? "",
                typeName: scalar.isString ? "json-string" : "json-number", value: scalar.value)
        }
        for (position, value) in try host.mask(fields) {
            scalars[forHost[position]].replacement = value
        }
    }
}
