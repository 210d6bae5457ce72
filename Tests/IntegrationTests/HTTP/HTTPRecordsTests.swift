import Foundation
import Testing
import WardenTestSupport

/// Must-show 6: an HTTP session is replayed in HTTP's terms beside a
/// PostgreSQL one in SQL's, and the audit trail holds both kinds with their
/// attributes and verifies.
@Suite(.serialized, .ownThreads) struct HTTPRecordsTests {
    @Test func replayAndAuditHoldBothKinds() async throws {
        let postgres = try await PostgresServer.shared()
        let upstream = try await SharedHTTPUpstream.get()
        let gateway = try GatewayProcess(
            postgres: postgres,
            connections: GatewayProcess.defaultConnections(postgres) + """

              - name: api
                protocol: http
                upstream: { url: "\(upstream.url)" }
                allow_groups: [analysts]
                rules:
                  - { match: { class: delete }, action: deny, reason: "nothing is deleted through the gateway" }
                masking:
                  - { paths: ["$..email"], masker: pii.redact }
            """,
            extraListeners: """
              - { name: web, protocol: http, address: "127.0.0.1:\(try FreePort.next())", connection: api, tls: { certificate: GATEWAY_DIR/gateway.crt, key: GATEWAY_DIR/gateway.key } }
            """)
        defer { gateway.stop() }
        let webPort = try #require(gateway.configText.firstMatch(of: /name: web, protocol: http, address: "127.0.0.1:(\d+)"/)?.1)
        let token = try gateway.devToken(subject: "alice", groups: ["analysts"])

        let psql = try gateway.psql("SELECT id, name FROM customers WHERE id = 1", password: token)
        #expect(psql.stdout.contains("Ada Lovelace"), "\(psql.output)")
        let options = [
            "-sS", "--cacert", gateway.directory.appendingPathComponent("gateway.crt").path,
            "--resolve", "localhost:\(webPort):127.0.0.1", "-H", "Authorization: Bearer \(token)",
        ]
        // Two requests on one connection: one session.
        let curl = try Command.run("curl", options + ["https://localhost:\(webPort)/warden/users.json?count=2", "--next"]
            + options + ["-X", "DELETE", "https://localhost:\(webPort)/warden/users/1"])
        #expect(curl.stdout.contains("\"email\":\"****\""), "\(curl.output)")
        #expect(gateway.stop() == 0, "\(gateway.logs)")

        let list = try gateway.warden(["sessions", "list"])
        let httpLine = try #require(list.stdout.split(separator: "\n").first { $0.contains(" api ") }, "\(list.output)")
        let replay = try gateway.warden(["replay", String(httpLine.split(separator: " ")[0])])
        #expect(replay.status == 0, "\(replay.output)")
        for expected in [
            "GET /warden/users.json?count=2", "< 200 OK", "< Content-Type: application/json", "\"email\":\"****\"",
            "DELETE /warden/users/1", "denied: nothing is deleted through the gateway",
        ] {
            #expect(replay.stdout.contains(expected), "\(expected) missing from:\n\(replay.stdout)")
        }
        #expect(!replay.stdout.contains("@example.com"), "the replay shows an unmasked value:\n\(replay.stdout)")

        let export = try gateway.warden(["audit", "export"])
        #expect(export.stdout.contains("\"kind\":\"http\""), "\(export.stdout.suffix(3000))")
        #expect(export.stdout.contains("\"kind\":\"sql\""))
        // Attributes are kept as canonical JSON inside the event's detail.
        #expect(export.stdout.contains(#"\"method\":\"DELETE\",\"path\":\"/warden/users/1\""#), "\(export.stdout.suffix(3000))")
        let verify = try gateway.warden(["audit", "verify"])
        #expect(verify.status == 0, "\(verify.output)")
    }

    /// Requests Warden refuses itself once the client has signed in (for
    /// another host, too large, not served) are in the session's records with
    /// their reasons, like the policy's refusals.
    @Test func refusalsBeforeThePolicyAreRecorded() async throws {
        let http = try HTTPGateway(upstreamURL: try await SharedHTTPUpstream.get().url, extra: "    max_body_bytes: 1000")
        defer { http.gateway.stop() }
        let token = try http.gateway.devToken(subject: "alice", groups: ["dev"])
        let options = [
            "-sS", "--cacert", http.certificate, "--resolve", "localhost:\(http.gateway.port):127.0.0.1",
            "-H", "Authorization: Bearer \(token)", "-w", "\n%{http_code}\n",
        ]
        let otherHost = try Command.run("curl", options + [http.baseURL + "/get", "--next"]
            + options + ["-H", "Host: elsewhere.example", http.baseURL + "/get"])
        #expect(otherHost.stdout.hasSuffix("\n421\n"), "\(otherHost.output)")
        let tooLarge = try http.curl("/anything/upload", token: token, ["--data-binary", String(repeating: "x", count: 5000)])
        #expect(tooLarge.httpStatus == 413, "\(tooLarge.output)")

        // Red team: a request with someone else's token was recorded as the signed-in person's.
        let mallory = try http.gateway.devToken(subject: "mallory", groups: ["dev"])
        let planted = try Command.run("curl", options + [http.baseURL + "/get", "--next"] + options.map {
            $0 == "Authorization: Bearer \(token)" ? "Authorization: Bearer \(mallory)" : $0
        } + ["-H", "Host: elsewhere.example", "-X", "DELETE", http.baseURL + "/admin/everything"])
        #expect(planted.stdout.hasSuffix("\n421\n"), "\(planted.output)")
        let badExpectation = try Command.run("curl", options + [http.baseURL + "/get", "--next"]
            + options + ["-H", "Expect: teapot", http.baseURL + "/get"])
        #expect(badExpectation.stdout.hasSuffix("\n417\n"), "\(badExpectation.output)")
        #expect(http.gateway.stop() == 0, "\(http.gateway.logs)")

        let sessions = try http.gateway.warden(["sessions", "list"]).stdout.split(separator: "\n").filter { $0.contains(" api ") }
        var replays = ""
        for line in sessions { replays += try http.gateway.warden(["replay", String(line.split(separator: " ")[0])]).stdout }
        for expected in [
            "denied: this connection serves localhost, not elsewhere.example",
            "POST /anything/upload", "denied: the request body is larger than max_body_bytes (1000 bytes)",
            "(a malformed request)", "denied: the only expectation served is 100-continue",
        ] {
            #expect(replays.contains(expected), "\(expected) missing from:\n\(replays)")
        }
        #expect(!replays.contains("/admin/everything"), "a request with mallory's token is in alice's records:\n\(replays)")
        #expect(try http.gateway.warden(["audit", "verify"]).status == 0)
    }
}
