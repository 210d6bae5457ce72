import NIOHTTP1
import Testing
@testable import WardenHTTPCore

/// What the upstream receives in place of what the client sent.
struct HeaderRulesTests {
    private func forwarded(_ headers: [(String, String)], masking: Bool = false, subject: String = "alice") throws -> String {
        var values = ["url": "https://api.internal:8443/v1", "authorization": "Bearer held", "header.X-Api-Key": "k"]
        if masking { values["masking"] = "on" }
        let settings = try UpstreamSettings(values: values)
        let head = HTTPRequestHead(version: .http1_1, method: .GET, uri: "/x", headers: HTTPHeaders(headers))
        let bytes = ForwardedRequest.head(
            head, target: try RequestTarget("/x"), framing: .none, upgrade: nil,
            client: .init(subject: subject, groups: ["dev", "ops"], address: "10.0.0.7", usedTLS: true), upstream: settings)
        return String(decoding: bytes, as: UTF8.self)
    }

    @Test func everySpellingOfAGatewayHeaderIsReplaced() throws {
        let text = try forwarded([
            ("Host", "gw"), ("Authorization", "Bearer client-token"), ("X-Warden-User", "m1"), ("x-warden-user", "m2"),
            ("X_Warden_User", "m3"), ("X-WARDEN-GROUPS", "admins"), ("x_forwarded_for", "6.6.6.6"),
            ("X-Forwarded-Host", "evil"), ("Forwarded", "for=6.6.6.6"), ("X-Api-Key", "client-key"),
            ("X-HTTP-Method-Override", "DELETE"), ("Accept", "*/*"),
            // Red-team finding: what auth proxies and rewriting servers trust.
            ("Remote-User", "leak-ru"), ("X_Remote_User", "leak-xru"), ("X-Original-URL", "/leak-admin"),
            ("X-Rewrite-URL", "/leak-admin"), ("X-Auth-Request-Email", "root@x"), ("CF-Connecting-IP", "7.7.7.7"),
            ("X-WEBAUTH-USER", "leak-wa"),
        ])
        for leaked in ["client-token", "m1", "m2", "m3", "admins", "6.6.6.6", "evil", "client-key", "Override",
                       "leak-", "root@x", "7.7.7.7"] {
            #expect(!text.contains(leaked), "\(leaked) leaked: \(text)")
        }
        #expect(text.hasPrefix("GET /v1/x HTTP/1.1\r\nHost: api.internal:8443\r\n"))
        for expected in ["Authorization: Bearer held", "X-Api-Key: k", "X-Warden-User: alice", "X-Warden-Groups: dev,ops",
                         "X-Forwarded-For: 10.0.0.7", "X-Forwarded-Proto: https", "X-Forwarded-Host: gw", "Accept: */*"] {
            #expect(text.contains("\r\n\(expected)\r\n"), "\(expected) missing: \(text)")
        }
    }

    @Test func hopByHopHeadersAndTheOnesConnectionNamesStayHere() throws {
        let text = try forwarded([
            ("Host", "gw"), ("Connection", "keep-alive, X-Secret"), ("X-Secret", "s"), ("Keep-Alive", "timeout=5"),
            ("TE", "trailers"), ("Proxy-Authorization", "Basic eA=="), ("Upgrade", "h2c"),
        ])
        for gone in ["X-Secret", "Keep-Alive", "TE:", "Proxy-Authorization", "Upgrade", "Connection"] {
            #expect(!text.contains(gone), "\(gone) passed: \(text)")
        }
    }

    @Test func aMaskedConnectionAsksForAnUncompressedBody() throws {
        let text = try forwarded([("Host", "gw"), ("Accept-Encoding", "gzip, br"), ("Range", "bytes=10-20"), ("If-Range", "x")], masking: true)
        #expect(!text.contains("gzip"))
        #expect(!text.contains("Range"), "a part of a body could cut a value loose from its key")
        #expect(text.contains("\r\nAccept-Encoding: identity\r\n"))
    }

    /// A subject claim is the identity provider's text, not HTTP: a line
    /// break in it cannot start a header of its own.
    @Test func identityClaimsCannotStartAHeader() throws {
        let text = try forwarded([("Host", "gw")], subject: "alice\r\nX-Admin: yes")
        #expect(text.contains("\r\nX-Warden-User: alice  X-Admin: yes\r\n"), "\(text)")
        #expect(!text.contains("\r\nX-Admin"))
    }
}

/// A token in the listener's header or cookie signs in like Authorization,
/// and goes no further than the gateway.
struct TokenSourceTests {
    let sources = TokenSources(options: ["token_header": "X-Api-Token", "token_cookie": "warden"])

    @Test func theTokenComesFromTheHeaderOrTheCookie() throws {
        let byHeader = HTTPRequestHead(version: .http1_1, method: .GET, uri: "/", headers: ["Host": "a", "x_api_token": "t1"])
        #expect(try RequestCheck(byHeader, tokenSources: sources).token == "t1")
        let byCookie = HTTPRequestHead(version: .http1_1, method: .GET, uri: "/", headers: ["Host": "a", "Cookie": "theme=dark; warden=t2"])
        #expect(try RequestCheck(byCookie, tokenSources: sources).token == "t2")
        let twice = HTTPRequestHead(version: .http1_1, method: .GET, uri: "/", headers: ["Host": "a", "Cookie": "warden=t2; warden=t3"])
        #expect(throws: HTTPInputError.self) { try RequestCheck(twice, tokenSources: sources) }
    }

    @Test func neitherReachesTheUpstream() throws {
        let settings = try UpstreamSettings(values: ["url": "http://up"])
        let head = HTTPRequestHead(version: .http1_1, method: .GET, uri: "/", headers: [
            "Host": "a", "X-API-TOKEN": "t1", "Cookie": "theme=dark; warden=t2; lang=en",
        ])
        let text = String(decoding: ForwardedRequest.head(
            head, target: try RequestTarget("/"), framing: .none, upgrade: nil,
            client: .init(subject: "alice", groups: [], address: "1.2.3.4", usedTLS: false), upstream: settings,
            tokenSources: sources), as: UTF8.self)
        #expect(!text.contains("t1") && !text.contains("t2"), "\(text)")
        #expect(text.contains("\r\nCookie: theme=dark; lang=en\r\n"), "\(text)")
    }
}

/// Red-team finding: an approval's window covered any method on the path.
struct PlainHTTPDialectTests {
    @Test func anActionsCommandIsItsMethod() throws {
        let head = HTTPRequestHead(version: .http1_1, method: .PATCH, uri: "/pay/1/", headers: ["Host": "a"])
        let action = PlainHTTPDialect().action(for: head, target: try RequestTarget(head.uri), excerpt: nil)
        #expect(action.attributes.contains { $0.key == "command" && $0.value == "PATCH" })
        #expect(action.targets == ["/pay/1"])
    }
}
