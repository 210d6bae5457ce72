import NIOHTTP1

/// Chooses how a response body is masked from its headers.
enum BodyFilters {
    struct Refusal: Error, CustomStringConvertible {
        var description: String
    }

    /// How a body of this type is read: JSON by path and detection, media
    /// and archives (which the maskers cannot read) not at all (nil), and
    /// anything else (text, XML, SVG, YAML, CSV, no type at all) by
    /// detection, since an upstream's label is not a promise about what a
    /// body holds.
    enum Reading {
        case json
        case text(typeName: String)
    }

    static func reading(_ headers: HTTPHeaders) -> Reading? {
        let type = headers.first(name: "content-type").map(mediaType) ?? ""
        if jsonTypes.contains(type) || type.hasSuffix("+json") { return .json }
        if !type.hasSuffix("+xml"), opaqueTypes.contains(where: { type.hasPrefix($0) }) { return nil }
        return .text(typeName: type.isEmpty ? "application/octet-stream" : type)
    }

    /// The filter for a body read as `reading` says.
    static func make(_ reading: Reading, headers: HTTPHeaders, status: Int, settings: UpstreamSettings,
                     dialectMasking: DialectMasking? = nil, host: any ProxyHost) throws(Refusal) -> any BodyFilter {
        guard status != 206 else {
            // Warden removes Range from masked connections' requests: a part
            // of a document could cut a value loose from the key that names it.
            throw Refusal(description: "the upstream answered with part of a body (206), which Warden cannot mask")
        }
        let encodings = headers[canonicalForm: "content-encoding"].map { $0.lowercased() }.filter { $0 != "identity" }
            + headers[canonicalForm: "transfer-encoding"].map { $0.lowercased() }.filter { $0 != "chunked" && $0 != "identity" }
        guard encodings.isEmpty else {
            // Warden asked for an uncompressed body; one it cannot read must not pass unmasked
            // (a transfer coding such as gzip too: the decoder only removes the chunks).
            throw Refusal(description: "the upstream sent a \(encodings.joined(separator: ", "))-encoded body that Warden must mask")
        }
        switch reading {
        case .json:
            return try JSONBodyFilter(
                patterns: settings.masking ? settings.maskPaths : [], replacements: dialectMasking?.replacements ?? [],
                detects: settings.masking, host: host)
        case .text(let typeName): return TextBodyFilter(host: host, typeName: typeName)
        }
    }

    private static let jsonTypes: Set<String> = [
        "application/json", "text/json", "application/x-json", "application/x-ndjson", "application/jsonl",
    ]

    /// Media and archives: nothing a masker reads, and rewriting a byte would
    /// break them. (SVG, `image/svg+xml`, is text and is read.)
    private static let opaqueTypes = [
        "image/", "audio/", "video/", "font/", "application/zip", "application/gzip", "application/x-gzip",
        "application/pdf", "application/x-tar", "application/x-7z-compressed", "application/wasm",
    ]

    /// `application/json; charset=utf-8` → `application/json`.
    private static func mediaType(_ value: String) -> String {
        String(value.prefix { $0 != ";" }).trimmingCharacters(in: " \t").lowercased()
    }
}

extension BodyFilters.Reading? {
    var isJSON: Bool {
        if case .json? = self { true } else { false }
    }
}
