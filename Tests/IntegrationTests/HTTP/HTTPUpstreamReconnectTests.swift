import Foundation
import Testing
import WardenTestSupport

/// An upstream that closes idle keep-alive connections (gunicorn here after
/// one second; nginx, node and most servers do it too) does not end the
/// client's connection: the next request, or a request approved after the
/// upstream went away while it waited, goes over a new upstream connection.
@Suite(.serialized, .ownThreads) struct HTTPUpstreamReconnectTests {
    struct Response: Decodable {
        var status: Int
        var body: String
        var local_port: Int
    }

    struct Counted: Decodable {
        var count: Int
        var peer_port: Int
    }

    /// Red-team finding: a request held for approval died with its client's
    /// connection when the upstream closed the idle connection meanwhile.
    @Test func theClientsConnectionOutlivesTheUpstreamsIdleTimeout() async throws {
        let upstream = try await HTTPUpstreamProcess.start(threads: 4, keepAliveSeconds: 1)
        defer { upstream.stop() }
        let http = try Self.gatewayHolding("POST", upstreamURL: upstream.url)
        defer { http.gateway.stop() }
        let alice = try http.gateway.devToken(subject: "alice", groups: ["dev"])
        let bob = try http.gateway.devToken(subject: "bob", groups: ["ops"])
        let key = UUID().uuidString.prefix(8)
        let gateway = http.gateway
        let client = Task.detached {
            try gateway.oneConnection(token: alice, [
                "GET /warden/count/first-\(key)", "sleep 3", "GET /warden/count/second-\(key)",
                "POST /warden/count/held-\(key) {\"amount\":42}",
            ])
        }
        let approval = try http.gateway.pendingApproval(matching: "/warden/count/held", token: bob)
        // Longer than the upstream's keep-alive: it closes the connection the held request would have used.
        try await Task.sleep(for: .seconds(3))
        #expect(try http.upstreamCounts()["held-\(key)"] == nil, "the held request reached the upstream")
        let approved = try http.gateway.warden(["approvals", "approve", approval], environment: ["WARDEN_TOKEN": bob])
        #expect(approved.status == 0, "\(approved.output)")

        let result = try await client.value
        #expect(result.status == 0, "\(result.output)\n\(http.gateway.logs)")
        let responses = try result.stdout.split(separator: "\n").map {
            try JSONDecoder().decode(Response.self, from: Data($0.utf8))
        }
        try #require(responses.count == 3, "\(result.output)")
        #expect(responses.map(\.status) == [200, 200, 200], "\(result.output)")
        #expect(Set(responses.map(\.local_port)).count == 1, "one client connection carried every request")
        let counted = try responses.map { try JSONDecoder().decode(Counted.self, from: Data($0.body.utf8)) }
        #expect(counted.map(\.count) == [1, 1, 1])
        #expect(counted[0].peer_port != counted[1].peer_port, "the second request did not need a new upstream connection")
        #expect(counted[1].peer_port != counted[2].peer_port, "the approved request went over a connection that stayed open")
        #expect(try http.upstreamCounts()["held-\(key)"] == 1)
    }

    /// Red-team finding: a request pipelined behind one whose answer came
    /// with the upstream's close went out on the dying connection and ended
    /// in 502. A GET goes again on a new connection; a POST may not be
    /// repeated, so its client gets 502 saying why, and the upstream, which
    /// never read it, runs nothing.
    @Test func aSafeRequestCaughtByTheUpstreamsCloseIsSentAgain() async throws {
        let upstream = try await Self.oneAnswerUpstream()
        defer { upstream.stop() }
        let http = try HTTPGateway(upstreamURL: upstream.firstLine)
        defer { http.gateway.stop() }
        let token = try http.gateway.devToken(subject: "alice", groups: ["dev"])
        func pipelined(_ requests: [String], name: String) throws -> [String] {
            let file = http.gateway.directory.appendingPathComponent(name)
            let text = requests.map { request in
                let lines = request.split(separator: "\n", maxSplits: 1)
                return "\(lines[0])\r\nHost: localhost\r\nAuthorization: Bearer \(token)\r\n"
                    + (lines.count > 1 ? "Content-Length: \(lines[1].utf8.count)\r\n\r\n\(lines[1])" : "\r\n")
            }.joined()
            try Data(text.utf8).write(to: file)
            let sent = try Command.run("python3", [
                PythonFixtureProcess.supportDirectory.appendingPathComponent("http/send_raw.py").path, "127.0.0.1",
                String(http.gateway.port), file.path, "--tls", "--json",
            ])
            struct Outcome: Decodable { var statuses: [String] }
            return try JSONDecoder().decode(Outcome.self, from: Data(sent.stdout.utf8)).statuses
        }

        #expect(try pipelined(["GET /first HTTP/1.1", "GET /second HTTP/1.1"], name: "gets.http")
            == ["HTTP/1.1 200 OK", "HTTP/1.1 200 OK"], "\(http.gateway.logs)")
        #expect(try pipelined(["GET /third HTTP/1.1", "POST /fourth HTTP/1.1\n{}"], name: "post.http")
            == ["HTTP/1.1 200 OK", "HTTP/1.1 502 Bad Gateway"], "\(http.gateway.logs)")
        let received = try Command.run("curl", ["-sS", "--max-time", "10", upstream.firstLine + "/received"]).stdout
        #expect(received == "GET /first HTTP/1.1\nGET /second HTTP/1.1\nGET /third HTTP/1.1\n", "\(received)")
    }

    /// Red team: an approved GET reached the upstream twice when the upstream
    /// read it and closed without answering. What a person approved runs at
    /// most once; a GET nobody had to approve is sent again, and its record
    /// says so.
    @Test func anApprovedRequestIsNeverSentTwice() async throws {
        let upstream = try await Self.oneAnswerUpstream(["--silent-second"])
        defer { upstream.stop() }
        let http = try Self.gatewayHolding("GET", upstreamURL: upstream.firstLine)
        defer { http.gateway.stop() }
        let alice = try http.gateway.devToken(subject: "alice", groups: ["dev"])
        let bob = try http.gateway.devToken(subject: "bob", groups: ["ops"])
        let key = UUID().uuidString.prefix(8)
        let gateway = http.gateway
        let held = Task.detached {
            try gateway.oneConnection(token: alice, ["GET /first-\(key)", "GET /warden/count/held-\(key)"])
        }
        let approval = try http.gateway.pendingApproval(matching: "/warden/count/held", token: bob)
        #expect(try http.gateway.warden(["approvals", "approve", approval], environment: ["WARDEN_TOKEN": bob]).status == 0)
        let heldResult = try await held.value
        #expect(heldResult.stdout.contains("\"status\": 200") && heldResult.stdout.contains("\"status\": 502"), "\(heldResult.output)")

        let again = try http.gateway.oneConnection(token: alice, ["GET /second-\(key)", "GET /again-\(key)"])
        #expect(again.stdout.components(separatedBy: "\"status\": 200").count == 3, "\(again.output)")
        #expect(try http.gateway.warden(["audit", "verify"]).status == 0)

        let received = try Command.run("curl", ["-sS", "--max-time", "10", upstream.firstLine + "/received"]).stdout
        #expect(received == """
            GET /first-\(key) HTTP/1.1
            GET /warden/count/held-\(key) HTTP/1.1
            GET /second-\(key) HTTP/1.1
            GET /again-\(key) HTTP/1.1
            GET /again-\(key) HTTP/1.1

            """, "\(received)")
        http.gateway.stop()
        var replays = ""
        for line in try http.gateway.warden(["sessions", "list"]).stdout.split(separator: "\n").dropFirst() {
            replays += try http.gateway.warden(["replay", String(line.split(separator: " ")[0])]).stdout
        }
        #expect(replays.contains("sent twice: the upstream closed a reused connection without answering the first"), "\(replays)")
    }

    /// Red team: an upstream's `Connection: close` (an HTTP/1.0 server's, or
    /// one shutting down) ended the client's connection too, so every request
    /// to such an upstream cost the client a new connection and sign-in. The
    /// client's connection stays; each request gets a new upstream one, and
    /// one pipelined behind waits for the close instead of racing it.
    @Test func anUpstreamThatSaysCloseDoesNotCloseTheClient() async throws {
        let upstream = try await Self.oneAnswerUpstream(["--say-close"])
        defer { upstream.stop() }
        let http = try HTTPGateway(upstreamURL: upstream.firstLine)
        defer { http.gateway.stop() }
        let token = try http.gateway.devToken(subject: "alice", groups: ["dev"])
        let key = UUID().uuidString.prefix(8)
        let sequence = try http.gateway.oneConnection(token: token, ["GET /a-\(key)", "GET /b-\(key)", "POST /c-\(key) {}"])
        #expect(sequence.status == 0, "\(sequence.output)\n\(http.gateway.logs)")
        let responses = try sequence.stdout.split(separator: "\n").map {
            try JSONDecoder().decode(Response.self, from: Data($0.utf8))
        }
        #expect(responses.map(\.status) == [200, 200, 200], "\(sequence.output)")
        #expect(Set(responses.map(\.local_port)).count == 1, "one client connection carried every request")

        let file = http.gateway.directory.appendingPathComponent("pipelined.http")
        let request = { (path: String) in "GET \(path) HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer \(token)\r\n\r\n" }
        try Data((request("/d-\(key)") + request("/e-\(key)")).utf8).write(to: file)
        let pipelined = try Command.run("python3", [
            PythonFixtureProcess.supportDirectory.appendingPathComponent("http/send_raw.py").path, "127.0.0.1",
            String(http.gateway.port), file.path, "--tls",
        ])
        #expect(pipelined.stdout.components(separatedBy: "200 OK").count == 3, "\(pipelined.output)")
        let received = try Command.run("curl", ["-sS", "--max-time", "10", upstream.firstLine + "/received"]).stdout
        #expect(received == ["a", "b", "c", "d", "e"].map { "\($0 == "c" ? "POST" : "GET") /\($0)-\(key) HTTP/1.1\n" }.joined(),
                "\(received)")
    }

    /// A gateway in front of `upstreamURL` whose `method` requests to
    /// /warden/count/held-* wait for an approver in `ops`.
    private static func gatewayHolding(_ method: String, upstreamURL: String) throws -> HTTPGateway {
        try HTTPGateway(
            upstreamURL: upstreamURL,
            rules: """
                rules:
                  - { match: { attributes: { method: \(method), path: "/warden/count/held-*" } }, action: approve }
                default: allow
                approvals: { approvers: [ops], timeout: 60s }
            """,
            adminGroups: ["security"])
    }

    /// `Tests/Support/http/one_answer_upstream.py`, started with `arguments`.
    private static func oneAnswerUpstream(_ arguments: [String] = []) async throws -> PythonFixtureProcess {
        try await PythonFixtureProcess.start(
            name: "the one-answer upstream", script: "http/one_answer_upstream.py", arguments: arguments,
            expecting: "http://127.0.0.1:", requirement: "python3")
    }

}
