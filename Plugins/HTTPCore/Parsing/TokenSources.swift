import NIOHTTP1

/// Where a client may put its token besides `Authorization: Bearer`: a
/// header or a cookie the listener names (`options: { token_header: …,
/// token_cookie: … }`), for clients that cannot set Authorization (a
/// browser's cookie, a tool with its own header). Either is removed before
/// the request goes upstream, like Authorization.
public struct TokenSources: Sendable {
    /// The header's canonical name (``HeaderName``).
    var header: String?
    var cookie: String?

    public init(options: [String: String]) {
        header = options["token_header"].map(HeaderName.canonical)
        cookie = options["token_cookie"]
    }

    /// The token from the configured header or cookie, if the request has one.
    func token(in headers: HTTPHeaders) throws(HTTPInputError) -> String? {
        if let header {
            let values = headers.filter { HeaderName.canonical($0.name) == header }.map(\.value)
            guard values.count <= 1 else { throw HTTPInputError("the request has more than one \(header) header") }
            if let value = values.first { return value.trimmingCharacters(in: " \t") }
        }
        if let cookie {
            let values = Set(Self.cookies(headers).filter { $0.name == cookie }.map(\.value))
            guard values.count <= 1 else { throw HTTPInputError("the request has the cookie \(cookie) twice, with different values") }
            return values.first
        }
        return nil
    }

    /// Whether the header is the token's and must not go upstream.
    func carriesToken(_ canonicalName: String) -> Bool { canonicalName == header }

    /// A Cookie header's value without the token's cookie; nil when nothing is left.
    func withoutToken(cookieHeader value: String) -> String? {
        guard let cookie else { return value }
        let kept = value.split(separator: ";").filter {
            $0.split(separator: "=", maxSplits: 1).first?.trimmingCharacters(in: " \t") != cookie
        }
        return kept.isEmpty ? nil : kept.map { $0.trimmingCharacters(in: " \t") }.joined(separator: "; ")
    }

    private static func cookies(_ headers: HTTPHeaders) -> [(name: String, value: String)] {
        headers["cookie"].flatMap { $0.split(separator: ";") }.compactMap { pair in
            let parts = pair.split(separator: "=", maxSplits: 1)
            guard parts.count == 2 else { return nil }
            return (parts[0].trimmingCharacters(in: " \t"), parts[1].trimmingCharacters(in: " \t\""))
        }
    }
}
