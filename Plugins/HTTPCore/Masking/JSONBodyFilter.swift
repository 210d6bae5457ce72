import WardenJSONMask
import WardenPluginSDK

/// Masks a JSON body as it streams (see ``JSONStreamMasker``): values the
/// connection's `paths` rules name (or that lie inside an object or array
/// they name) go to their masker, every other string value through the
/// detectors; all other bytes pass unchanged. One host call masks all
/// values a chunk of the body completes.
final class JSONBodyFilter: BodyFilter {
    private var masker: JSONStreamMasker
    private let host: any ProxyHost
    private let patterns: [String]

    init(patterns: [String], host: any ProxyHost) throws(BodyFilters.Refusal) {
        var parsed: [JSONPathPattern] = []
        for text in patterns {
            do {
                parsed.append(try JSONPathPattern(text))
            } catch {
                throw BodyFilters.Refusal(description: "the masking path \(text) is not valid: \(error)")
            }
        }
        masker = JSONStreamMasker(patterns: parsed)
        self.host = host
        self.patterns = patterns
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
        guard !scalars.isEmpty else { return }
        let fields = scalars.map { scalar in
            Field(
                name: scalar.matchedPattern == nil ? "" : scalar.renderedPath,
                source: scalar.matchedPattern.map { patterns[$0] } ?? "",
                typeName: scalar.isString ? "json-string" : "json-number", value: scalar.value)
        }
        for (index, value) in try host.mask(fields) {
            scalars[index].replacement = value
        }
    }
}
