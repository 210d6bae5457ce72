import NIOHTTP1

/// What a request's head must satisfy before Warden acts on it, beyond
/// what the decoder checks: every header a server could read another way
/// than Warden is refused instead of passed on.
struct RequestCheck {
    var target: RequestTarget
    var framing: ForwardedRequest.BodyFraming
    /// The protocol the client asks to switch to, when it is one the dialect serves.
    var upgrade: String?
    /// The request asks to switch protocols, whichever.
    var asksUpgrade: Bool
    var expectsContinue: Bool
    /// The bearer token of `Authorization`, if one was sent.
    var token: String?
    var authorizationScheme: String?
    /// The `Host` header, which also names the connection when the listener serves several.
    var host: String

    /// `upgrades`: the protocols (lower case) a client may switch to; a
    /// WebSocket only with GET (RFC 6455 §4.1).
    init(
        _ head: HTTPRequestHead, tokenSources: TokenSources = TokenSources(options: [:]), upgrades: Set<String> = ["websocket"]
    ) throws(HTTPInputError) {
        guard head.version.major == 1 else { throw HTTPInputError("only HTTP/1.0 and HTTP/1.1 are served") }
        guard head.method != .CONNECT else { throw HTTPInputError(status: 405, "CONNECT is not served: Warden is a reverse proxy") }
        for (name, value) in head.headers {
            // llhttp keeps what obsolete line folding continues, and some
            // servers would read a bare CR as a line end.
            if value.utf8.contains(where: { $0 == 13 || $0 == 10 || $0 == 0 }) {
                throw HTTPInputError("the value of header \(Self.printable(name)) holds a line break or NUL")
            }
        }
        let hosts = head.headers[canonicalForm: "host"]
        guard head.headers["host"].count <= 1, hosts.count <= 1 else { throw HTTPInputError("the request has more than one Host") }
        guard let host = hosts.first.map(String.init) ?? (head.version.minor == 0 ? "" : nil) else {
            throw HTTPInputError("an HTTP/1.1 request needs a Host header")
        }
        self.host = host
        target = try RequestTarget(head.uri)

        let lengths = head.headers["content-length"]
        let encodings = head.headers["transfer-encoding"]
        guard lengths.isEmpty || encodings.isEmpty else {
            throw HTTPInputError("Content-Length and Transfer-Encoding cannot both be sent")
        }
        if !encodings.isEmpty {
            guard head.version.minor == 1 else { throw HTTPInputError("HTTP/1.0 cannot use Transfer-Encoding") }
            guard encodings.count == 1, encodings[0].lowercased() == "chunked" else {
                throw HTTPInputError("the only Transfer-Encoding served is chunked, alone")
            }
            framing = .chunked
        } else if let length = lengths.first {
            guard lengths.count == 1, !length.isEmpty, length.utf8.count <= 18, length.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }),
                  let value = Int(length) else {
                throw HTTPInputError("the Content-Length header is not one valid length")
            }
            framing = value == 0 ? .none : .length(value)
        } else {
            framing = .none
        }

        let expectations = head.headers["expect"]
        if let expectation = expectations.first {
            guard expectations.count == 1, expectation.lowercased() == "100-continue" else {
                throw HTTPInputError(status: 417, "the only expectation served is 100-continue")
            }
        }
        expectsContinue = !expectations.isEmpty && head.version.minor == 1

        let served = upgrades
        let upgrades = head.headers["upgrade"]
        // The decoder reads nothing after a request that asks to upgrade, so
        // unless the protocol switches, the connection ends with its response.
        asksUpgrade = head.asksToSwitchProtocols
        let asked = upgrades.count == 1 ? upgrades[0].lowercased() : ""
        if asksUpgrade, served.contains(asked), asked != "websocket" || head.method == .GET {
            upgrade = upgrades[0]
        } else {
            upgrade = nil
        }

        guard head.headers["authorization"].count <= 1 else {
            throw HTTPInputError("the request has more than one Authorization header")
        }
        (authorizationScheme, token) = try Self.credential(in: head, tokenSources: tokenSources)
    }

    /// The Authorization scheme and the bearer token a head carries (or the
    /// token in the listener's header or cookie).
    static func credential(
        in head: HTTPRequestHead, tokenSources: TokenSources
    ) throws(HTTPInputError) -> (scheme: String?, token: String?) {
        var scheme: String?
        var token: String?
        if let authorization = head.headers["authorization"].first {
            let parts = authorization.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
            scheme = parts.first.map { $0.lowercased() }
            token = parts.count == 2 && scheme == "bearer" ? parts[1].trimmingCharacters(in: " \t") : nil
        }
        if token == nil { token = try tokenSources.token(in: head.headers) }
        return (scheme, token)
    }

    /// A header name as safe to show: the decoder allows only token characters in it.
    private static func printable(_ name: String) -> String {
        String(name.prefix(64))
    }
}

extension StringProtocol {
    /// The text without the given characters at either end (`" \t"`: HTTP's optional whitespace).
    public func trimmingCharacters(in set: String) -> String {
        let characters = Set(set)
        var text = Substring(self)
        while let first = text.first, characters.contains(first) { text = text.dropFirst() }
        while let last = text.last, characters.contains(last) { text = text.dropLast() }
        return String(text)
    }
}

extension HTTPRequestHead {
    /// `Connection: upgrade` and an `Upgrade` header: the request asks to switch protocols, whichever.
    public var asksToSwitchProtocols: Bool {
        headers[canonicalForm: "connection"].contains { $0.lowercased() == "upgrade" } && !headers["upgrade"].isEmpty
    }
}
