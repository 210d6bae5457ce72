import NIOHTTP1

/// The head Warden sends upstream for a client's request: the client's
/// end-to-end headers, minus everything the gateway owns, plus the
/// gateway's credential, the client's identity and where it came from.
struct ForwardedRequest {
    struct Client {
        var subject: String
        var groups: [String]
        /// The client's IP address, without its port.
        var address: String
        var usedTLS: Bool
    }

    /// How the request's body is framed upstream.
    enum BodyFraming: Equatable {
        case none
        case length(Int)
        case chunked
    }

    /// Requests a masked connection does not pass on: compressed or partial
    /// bodies could not be masked whole.
    static let unmaskable: Set<String> = ["accept-encoding", "range", "if-range"]

    /// Whether every media range of an `Accept` value is JSON
    /// (`application/json`, with parameters such as `as=Table`).
    static func asksOnlyJSON(_ accept: String) -> Bool {
        accept.split(separator: ",").allSatisfy {
            let type = $0.prefix { $0 != ";" }.trimmingCharacters(in: " \t").lowercased()
            return type == "application/json"
        }
    }

    static func head(
        _ request: HTTPRequestHead, target: RequestTarget, framing: BodyFraming, upgrade: String?,
        client: Client, upstream: UpstreamSettings, masked: Bool? = nil, onlyJSON: Bool = false,
        tokenSources: TokenSources = TokenSources(options: [:]),
        dialect: any HTTPDialect = PlainHTTPDialect()
    ) -> [UInt8] {
        let masked = masked ?? upstream.masking
        let scoped = HeaderName.connectionScoped(in: request.headers)
        let replaced = Set(upstream.credentialHeaders.map { HeaderName.canonical($0.0) })
        var headers: [(String, String)] = [("Host", upstream.authority)]
        for (name, value) in request.headers {
            let canonical = HeaderName.canonical(name)
            // Expect is Warden's to answer: it asks for the body before the policy decides.
            if canonical == "host" || canonical == "content-length" || canonical == "expect" || scoped.contains(canonical)
                || HeaderName.isGatewayOwned(canonical) || dialect.ownsHeader(canonical)
                || replaced.contains(canonical) || (masked && Self.unmaskable.contains(canonical))
                || (onlyJSON && canonical == "accept" && !Self.asksOnlyJSON(value))
                || tokenSources.carriesToken(canonical) {
                continue
            }
            if canonical == "cookie" {
                if let kept = tokenSources.withoutToken(cookieHeader: value) { headers.append((name, kept)) }
                continue
            }
            headers.append((name, value))
        }
        switch framing {
        case .none: break
        case .length(let length): headers.append(("Content-Length", String(length)))
        case .chunked: headers.append(("Transfer-Encoding", "chunked"))
        }
        if let upgrade {
            // No extension is negotiated (permessage-deflate above all): the
            // record keeps messages as they were written, readable.
            headers.removeAll { HeaderName.canonical($0.0) == "sec-websocket-extensions" }
            headers.append(("Connection", "Upgrade"))
            headers.append(("Upgrade", upgrade))
        }
        // A masked body must be readable: ask for it uncompressed.
        if masked { headers.append(("Accept-Encoding", "identity")) }
        // A body masked by the dialect is read as JSON, so nothing else is asked for (protobuf, YAML).
        if onlyJSON, !headers.contains(where: { HeaderName.canonical($0.0) == "accept" }) { headers.append(("Accept", "application/json")) }
        headers += upstream.credentialHeaders.map { ($0.0, WireText.fieldValue($0.1)) }
        headers += dialect.identityHeaders(subject: client.subject, groups: client.groups)
        headers.append(("X-Forwarded-For", client.address))
        headers.append(("X-Forwarded-Proto", client.usedTLS ? "https" : "http"))
        if let host = request.headers.first(name: "host") { headers.append(("X-Forwarded-Host", host)) }
        return WireText.requestHead(
            method: request.method.rawValue, target: target.forwarded(under: upstream.basePath), headers: headers)
    }
}
