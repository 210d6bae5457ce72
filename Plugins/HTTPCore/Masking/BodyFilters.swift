import NIOHTTP1

/// Chooses how a response body is masked from its headers.
enum BodyFilters {
    struct Refusal: Error, CustomStringConvertible {
        var description: String
    }

    /// nil when the body's type is media or an archive, which the maskers
    /// cannot read. Every other type is read: JSON by path and detection,
    /// anything else (text, XML, YAML, CSV, no type at all) by detection,
    /// since an upstream's label is not a promise about what a body holds.
    static func make(for headers: HTTPHeaders, status: Int, settings: UpstreamSettings, host: any ProxyHost) throws(Refusal) -> (any BodyFilter)? {
        let type = headers.first(name: "content-type").map(mediaType) ?? ""
        let isJSON = type == "application/json" || type.hasSuffix("+json") || type == "application/x-ndjson"
            || type == "application/jsonl"
        if !isJSON, opaqueTypes.contains(where: { type.hasPrefix($0) }) { return nil }
        guard status != 206 else {
            // Warden removes Range from masked connections' requests: a part
            // of a document could cut a value loose from the key that names it.
            throw Refusal(description: "the upstream answered with part of a body (206), which Warden cannot mask")
        }
        let encodings = headers[canonicalForm: "content-encoding"].map { $0.lowercased() }.filter { $0 != "identity" }
        guard encodings.isEmpty else {
            // Warden asked for an uncompressed body; one it cannot read must not pass unmasked.
            throw Refusal(description: "the upstream sent a \(encodings.joined(separator: ", "))-encoded \(type) body that Warden must mask")
        }
        if isJSON {
            return try JSONBodyFilter(patterns: settings.maskPaths, host: host)
        }
        return TextBodyFilter(host: host, typeName: type.isEmpty ? "application/octet-stream" : type)
    }

    /// Media and archives: nothing a masker reads, and rewriting a byte would break them.
    private static let opaqueTypes = [
        "image/", "audio/", "video/", "font/", "application/zip", "application/gzip", "application/x-gzip",
        "application/pdf", "application/x-tar", "application/x-7z-compressed", "application/wasm",
    ]

    /// `application/json; charset=utf-8` → `application/json`.
    private static func mediaType(_ value: String) -> String {
        String(value.prefix { $0 != ";" }).trimmingCharacters(in: " \t").lowercased()
    }
}
