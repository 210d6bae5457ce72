import NIOHTTP1

/// Chooses how a response body is masked from its headers.
enum BodyFilters {
    struct Refusal: Error, CustomStringConvertible {
        var description: String
    }

    /// nil when the body's type holds nothing the maskers read (images, archives).
    static func make(for headers: HTTPHeaders, settings: UpstreamSettings, host: any ProxyHost) throws(Refusal) -> (any BodyFilter)? {
        let type = headers.first(name: "content-type").map(mediaType) ?? ""
        let isJSON = type == "application/json" || type.hasSuffix("+json") || type == "application/x-ndjson"
            || type == "application/jsonl"
        let isText = type.hasPrefix("text/")
        guard isJSON || isText else { return nil }
        let encodings = headers[canonicalForm: "content-encoding"].map { $0.lowercased() }.filter { $0 != "identity" }
        guard encodings.isEmpty else {
            // Warden asked for an uncompressed body; one it cannot read must not pass unmasked.
            throw Refusal(description: "the upstream sent a \(encodings.joined(separator: ", "))-encoded \(type) body that Warden must mask")
        }
        if isJSON {
            return try JSONBodyFilter(patterns: settings.maskPaths, host: host)
        }
        return TextBodyFilter(host: host, typeName: type)
    }

    /// `application/json; charset=utf-8` → `application/json`.
    private static func mediaType(_ value: String) -> String {
        String(value.prefix { $0 != ";" }).trimmingCharacters(in: " \t").lowercased()
    }
}
