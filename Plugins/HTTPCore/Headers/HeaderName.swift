import NIOHTTP1

/// Header names as servers and frameworks may read them: case-insensitive,
/// and with `_` read as `-` (CGI and WSGI turn both into `HTTP_X_WARDEN_USER`).
/// Every comparison Warden makes to remove a header uses this form, so no
/// spelling of a removed header slips through.
public enum HeaderName {
    public static func canonical(_ name: String) -> String {
        // Every header of every message passes here: most are already canonical.
        guard name.utf8.contains(where: { (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) || $0 == UInt8(ascii: "_") }) else {
            return name
        }
        return String(decoding: name.utf8.map { unit -> UInt8 in
            switch unit {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): unit + 32
            case UInt8(ascii: "_"): UInt8(ascii: "-")
            default: unit
            }
        }, as: UTF8.self)
    }

    /// Hop-by-hop headers (RFC 9110 §7.6.1 and the legacy ones): they
    /// describe one connection and never travel past a proxy.
    static let hopByHop: Set<String> = [
        "connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade",
        "proxy-authorization", "proxy-authenticate",
    ]

    /// The headers of a message that stay on this hop: the hop-by-hop ones
    /// and every one its `Connection` header names.
    static func connectionScoped(in headers: HTTPHeaders) -> Set<String> {
        let named = headers[canonicalForm: "connection"]
        return named.isEmpty ? hopByHop : hopByHop.union(named.map { canonical(String($0)) })
    }

    /// What a client may not tell the upstream about itself: the gateway
    /// says who the client is and where it came from.
    static func isGatewayOwned(_ canonical: String) -> Bool {
        canonical.hasPrefix("x-warden-") || canonical.hasPrefix("x-forwarded-") || canonical.hasPrefix("x-auth-request-")
            || gatewayOwned.contains(canonical)
    }

    private static let gatewayOwned: Set<String> = [
        "authorization", "forwarded", "x-real-ip", "x-client-ip", "true-client-ip", "x-cluster-client-ip",
        "cf-connecting-ip", "fastly-client-ip",
        // Who the client is, as auth proxies tell it to the applications behind them.
        "remote-user", "x-remote-user", "x-webauth-user", "x-auth-user", "x-user",
        // Which path to serve, for servers that honour them over the request line.
        "x-original-url", "x-rewrite-url", "x-original-uri",
        // Frameworks that honour these would run another method than the one the policy judged.
        "x-http-method-override", "x-http-method", "x-method-override",
    ]
}
