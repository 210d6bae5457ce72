import WardenPluginSDK

/// The response headers of a masked connection: their values go through
/// the detectors too (a `Location` or `Content-Disposition` can carry an
/// email address), and the ones that describe the unmasked body go.
enum ResponseHeaders {
    /// Digests and validators of the body as the upstream sent it: with a
    /// masked body they would confirm a guessed value offline.
    static let describeTheBody: Set<String> = ["etag", "content-md5", "digest", "content-digest", "repr-digest"]

    /// Framing and type are Warden's or the body's own; every other value is read.
    private static let unread: Set<String> = ["content-type", "content-length", "transfer-encoding", "date"]

    static func masked(_ headers: [(String, String)], host: any ProxyHost) throws -> [(String, String)] {
        let read = headers.indices.filter { !unread.contains(HeaderName.canonical(headers[$0].0)) }
        guard !read.isEmpty else { return headers }
        let fields = read.map { Field(name: headers[$0].0, source: "", typeName: "http-header", value: headers[$0].1) }
        var result = headers
        for (position, value) in try host.mask(fields) where read.indices.contains(position) {
            result[read[position]].1 = WireText.fieldValue(value)
        }
        return result
    }
}
