import Foundation
import Testing
import WardenTestSupport

/// The HTTP plugin in front of a real application (httpbin on gunicorn),
/// with curl as the client: sign-in, the identity the upstream sees, and
/// the policy's refusals and approvals.
@Suite(.serialized, .ownThreads) struct HTTPProxyTests {
    let http: HTTPGateway

    init() async throws {
        http = try HTTPGateway(
            upstreamURL: try await SharedHTTPUpstream.get().url,
            rules: """
                rules:
                  - { match: { class: delete, attributes: { path: "/admin/**" } }, action: deny, reason: "admin deletes go through the console" }
                  - { match: { attributes: { method: POST, path: "/warden/count/held-*" } }, action: approve }
                  - { match: { attributes: { path: "/warden/count/deny-*" } }, action: deny, reason: "not counted" }
                default: allow
                approvals: { approvers: [ops], timeout: 20s }
            """,
            adminGroups: ["security"])
    }

    /// Must-show 1: the upstream's answer with a valid token; 401 without
    /// one, 403 for a group that may not; the client's Authorization and
    /// every spelling of the identity headers are replaced by the gateway's.
    @Test func signInAndTheIdentityTheUpstreamSees() throws {
        defer { http.gateway.stop() }
        let token = try http.gateway.devToken(subject: "alice", groups: ["dev"])
        let echoed = try http.curl("/anything/who", token: token, [
            "-H", "X-Warden-User: mallory", "-H", "x-warden-user: mallory2", "-H", "X_Warden_User: mallory3",
            "-H", "X-Warden-Groups: admins", "-H", "X-Forwarded-For: 10.6.6.6",
        ])
        #expect(echoed.httpStatus == 200, "\(echoed.output)")
        let headers = try Self.echoedHeaders(echoed.httpBody)
        #expect(headers["Authorization"] == "Bearer \(HTTPGateway.upstreamToken)", "\(headers)")
        #expect(headers["X-Warden-User"] == "alice", "\(headers)")
        #expect(headers["X-Warden-Groups"] == "dev", "\(headers)")
        #expect(!echoed.httpBody.contains("mallory"), "\(echoed.httpBody)")
        #expect(!echoed.httpBody.contains("admins"), "\(echoed.httpBody)")
        #expect(!echoed.httpBody.contains(token), "the client's token reached the upstream")

        let anonymous = try http.curl("/get", token: nil, ["-i"])
        #expect(anonymous.httpStatus == 401, "\(anonymous.output)")
        #expect(anonymous.stdout.lowercased().contains("www-authenticate: bearer"), "\(anonymous.output)")

        let forged = try http.curl("/get", token: "eyJhbGciOiJIUzI1NiJ9.e30.c2lnbmF0dXJl", ["-i"])
        #expect(forged.httpStatus == 401, "\(forged.output)")

        let outsider = try http.gateway.devToken(subject: "bob", groups: ["marketing"])
        let refused = try http.curl("/get", token: outsider)
        #expect(refused.httpStatus == 403, "\(refused.output)")
        #expect(refused.httpBody.contains("not in a group allowed"), "\(refused.output)")
    }

    /// A listener may take the token from a cookie (or a header) of its
    /// choosing; it goes no further than the gateway.
    @Test func aTokenInTheListenersCookieSignsIn() async throws {
        http.gateway.stop()
        let cookies = try HTTPGateway(upstreamURL: http.upstreamURL, listenerOptions: "{ token_cookie: warden_session }")
        defer { cookies.gateway.stop() }
        let token = try cookies.gateway.devToken(subject: "alice", groups: ["dev"])
        let result = try cookies.curl("/anything/cookie", token: nil, ["-H", "Cookie: theme=dark; warden_session=\(token)"])
        #expect(result.httpStatus == 200, "\(result.output)")
        let headers = try Self.echoedHeaders(result.httpBody)
        #expect(headers["X-Warden-User"] == "alice")
        #expect(headers["Cookie"] == "theme=dark", "\(headers)")
        #expect(!result.httpBody.contains(token))
    }

    /// Several requests on one kept-alive connection, with bodies both ways.
    @Test func keepAliveCarriesSeveralRequestsWithBodies() throws {
        defer { http.gateway.stop() }
        let token = try http.gateway.devToken(subject: "alice", groups: ["dev"])
        let body = String(repeating: "0123456789", count: 10_000)
        // Two transfers in one curl: the first with its URL, then `--next`
        // and the second's options; the helper appends the second's URL.
        let result = try http.curl("/anything/two", token: token, [
            "--data-binary", body, "-H", "Content-Type: text/plain", http.baseURL + "/anything/one", "--next",
            "-sS", "--cacert", http.gateway.directory.appendingPathComponent("gateway.crt").path,
            "--resolve", "localhost:\(http.gateway.port):127.0.0.1", "-H", "Authorization: Bearer \(token)",
            "-w", "\n%{http_code} %{num_connects}", "-X", "PUT", "-H", "Transfer-Encoding: chunked", "-H", "Content-Type: text/plain", "--data-binary", "chunked body",
        ])
        #expect(result.stdout.contains("\"data\": \"\(body)\""), "\(result.stderr)")
        #expect(result.stdout.contains("\"data\": \"chunked body\""), "\(result.stdout.suffix(2000))")
        // The second transfer reused the first one's connection.
        #expect(result.stdout.hasSuffix("200 0"), "\(result.stdout.suffix(300))")
    }

    /// A connection keeps the identity it signed in with: a token for
    /// someone else on it is refused, and so is a request for another host.
    @Test func aConnectionKeepsItsIdentityAndHost() throws {
        defer { http.gateway.stop() }
        let alice = try http.gateway.devToken(subject: "alice", groups: ["dev"])
        let carol = try http.gateway.devToken(subject: "carol", groups: ["dev"])
        let options = [
            "-sS", "--cacert", http.certificate, "--resolve", "localhost:\(http.gateway.port):127.0.0.1", "-w", "\n%{http_code}\n",
        ]
        let swapped = try Command.run("curl", options + ["-H", "Authorization: Bearer \(alice)", http.baseURL + "/get", "--next"]
            + options + ["-H", "Authorization: Bearer \(carol)", http.baseURL + "/anything/as-carol"])
        #expect(swapped.stdout.contains("\n200\n"), "\(swapped.output)")
        #expect(swapped.stdout.contains("this session is alice's: a token for carol cannot be used in it"), "\(swapped.output)")
        #expect(swapped.stdout.hasSuffix("\n403\n"), "\(swapped.output)")

        let otherHost = try Command.run("curl", options + ["-H", "Authorization: Bearer \(alice)", http.baseURL + "/get", "--next"]
            + options + ["-H", "Authorization: Bearer \(alice)", "-H", "Host: elsewhere.example", http.baseURL + "/get"])
        #expect(otherHost.stdout.hasSuffix("\n421\n"), "\(otherHost.output)")
    }

    /// Must-show 2, refusal: problem+json naming the rule's reason, nothing upstream.
    @Test func adminDeleteIsRefusedWithProblemJSON() throws {
        defer { http.gateway.stop() }
        let token = try http.gateway.devToken(subject: "alice", groups: ["dev"])
        let key = "admin-\(UUID().uuidString.prefix(8))"
        let result = try http.curl("/admin/../admin/users/\(key)", token: token, ["-i", "-X", "DELETE", "--path-as-is"])
        #expect(result.httpStatus == 403, "\(result.output)")
        #expect(result.stdout.contains("Content-Type: application/problem+json"), "\(result.stdout)")
        #expect(result.httpBody.contains("\"detail\":\"request refused by Warden: admin deletes go through the console\""), "\(result.stdout)")
        // Spellings a server may read as the same path are the same path to the policy.
        for path in ["/%61dmin/users/x", "//admin/users/x", "/public/../admin/x", "/admin/./x", "/admin", "/admin/"] {
            let evasion = try http.curl(path, token: token, ["-X", "DELETE", "--path-as-is"])
            #expect(evasion.httpStatus == 403, "\(path): \(evasion.output)")
        }
        let encodedSlash = try http.curl("/admin%2Fusers", token: token, ["-X", "DELETE", "--path-as-is"])
        #expect(encodedSlash.httpStatus == 400, "\(encodedSlash.output)")
    }

    /// Spellings of a denied path that a server reads as that path: the
    /// upstream's own counter is the judge of whether any got through.
    @Test func spellingsOfADeniedPathNeverReachTheUpstream() throws {
        defer { http.gateway.stop() }
        let token = try http.gateway.devToken(subject: "alice", groups: ["dev"])
        let id = UUID().uuidString.prefix(8)
        let spellings = [
            "/warden/count/deny-\(id)", "/warden/count/%64eny-\(id)", "/warden//count/deny-\(id)",
            "/warden/x/../count/deny-\(id)", "/warden/./count/deny-\(id)", "/warden/count/deny-\(id)/",
            "/warden/count/deny-\(id);x", "/warden/count/deny-\(id)?a=1",
        ]
        for path in spellings {
            for method in ["GET", "POST"] {
                let result = try http.curl(path, token: token, ["-X", method, "--path-as-is"])
                #expect(result.httpStatus == 403, "\(method) \(path): \(result.output)")
            }
        }
        let reached = try http.upstreamCounts().filter { $0.key.contains("eny-\(id)") }
        #expect(reached.isEmpty, "the upstream counted \(reached)")
    }

    /// Must-show 2, approval: the request waits, another person approves, the
    /// upstream sees it exactly once; denied and timed-out ones end in 403
    /// with nothing upstream.
    @Test func heldRequestRunsOnceWhenApproved() async throws {
        defer { http.gateway.stop() }
        let alice = try http.gateway.devToken(subject: "alice", groups: ["dev"])
        let bob = try http.gateway.devToken(subject: "bob", groups: ["ops"])
        for (verdict, expected) in [("approve", 200), ("deny", 403)] {
            let key = "held-\(verdict)-\(UUID().uuidString.prefix(8))"
            let client = Task.detached { [http] in
                try http.curl("/warden/count/\(key)", token: alice, ["-X", "POST", "--data", "{\"amount\":42}",
                                                                     "-H", "Content-Type: application/json"])
            }
            let id = try http.gateway.pendingApproval(matching: "/warden/count/held", token: bob)
            let shown = try http.gateway.warden(["approvals", "show", id], environment: ["WARDEN_TOKEN": bob])
            #expect(shown.stdout.contains("request:\n  POST /warden/count/\(key)"), "\(shown.output)")
            #expect(shown.stdout.contains("{\"amount\":42}"), "the approver sees the body: \(shown.output)")
            #expect(try http.upstreamCounts()[key] == nil, "the held request reached the upstream")
            let decided = try http.gateway.warden(["approvals", verdict, id], environment: ["WARDEN_TOKEN": bob])
            #expect(decided.status == 0, "\(decided.output)")
            let result = try await client.value
            #expect(result.httpStatus == expected, "\(result.output)")
            #expect(try http.upstreamCounts()[key] == (expected == 200 ? 1 : nil))
        }
    }

    /// Red-team finding: with `Expect: 100-continue` (curl sends it for
    /// bodies over 1 KiB) the decision came before the body, so the approver
    /// saw none and the client could send any body after approval. Warden
    /// now asks for the body itself; the approver sees its start and how
    /// much more there is.
    @Test func anApproverSeesTheBodyOfARequestThatExpectsContinue() async throws {
        defer { http.gateway.stop() }
        let alice = try http.gateway.devToken(subject: "alice", groups: ["dev"])
        let bob = try http.gateway.devToken(subject: "bob", groups: ["ops"])
        let key = "held-expect-\(UUID().uuidString.prefix(8))"
        let body = "{\"amount\":1000000,\"to\":\"mallory\",\"pad\":\"" + String(repeating: "x", count: 2000) + "\"}"
        let client = Task.detached { [http] in
            try http.curl("/warden/count/\(key)", token: alice, [
                "-X", "POST", "-H", "Expect: 100-continue", "-H", "Content-Type: application/json", "--data-binary", body,
            ])
        }
        let id = try http.gateway.pendingApproval(matching: "/warden/count/held", token: bob)
        let shown = try http.gateway.warden(["approvals", "show", id], environment: ["WARDEN_TOKEN": bob])
        #expect(shown.stdout.contains("{\"amount\":1000000,\"to\":\"mallory\""), "\(shown.output)")
        #expect(shown.stdout.contains("the first 1024 bytes of \(body.utf8.count) bytes"), "\(shown.output)")
        #expect(try http.gateway.warden(["approvals", "approve", id], environment: ["WARDEN_TOKEN": bob]).status == 0)
        let result = try await client.value
        #expect(result.httpStatus == 200, "\(result.output)")
        #expect(try http.upstreamCounts()[key] == 1)
    }

    /// Must-show 2, timeout: nobody decides, the client gets 403 with the
    /// reason, and the upstream never sees the request.
    @Test func heldRequestThatTimesOutIsRefused() async throws {
        http.gateway.stop()
        let quick = try HTTPGateway(
            upstreamURL: http.upstreamURL,
            rules: """
                rules:
                  - { match: { class: write }, action: approve }
                approvals: { approvers: [ops], timeout: 1s }
            """)
        defer { quick.gateway.stop() }
        let token = try quick.gateway.devToken(subject: "alice", groups: ["dev"])
        let key = "held-timeout-\(UUID().uuidString.prefix(8))"
        let result = try quick.curl("/warden/count/\(key)", token: token, ["-X", "POST", "--data", "x=1"])
        #expect(result.httpStatus == 403, "\(result.output)")
        #expect(result.httpBody.contains("timed out after 1s without a decision; the request did not run"), "\(result.output)")
        #expect(try quick.upstreamCounts()[key] == nil)
    }

    static func echoedHeaders(_ body: String) throws -> [String: String] {
        struct Echo: Decodable { var headers: [String: String] }
        return try JSONDecoder().decode(Echo.self, from: Data(body.utf8)).headers
    }
}
