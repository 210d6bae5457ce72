import Foundation
import Testing
import WardenTestSupport

/// Must-show 4: long-lived exchanges pass through without being buffered.
@Suite(.serialized, .ownThreads) struct HTTPStreamingTests {
    /// A WebSocket through the gateway to a real echo server (the
    /// `websockets` library on both ends) carries text and binary both ways.
    @Test func webSocketEchoesBothWays() async throws {
        let echo = try await WebSocketEchoProcess.start()
        defer { echo.stop() }
        let http = try HTTPGateway(upstreamURL: "http://127.0.0.1:\(echo.port)")
        defer { http.gateway.stop() }
        let token = try http.gateway.devToken(subject: "alice", groups: ["dev"])
        let result = try Command.run("python3", [
            Paths.repositoryRoot.appendingPathComponent("Tests/Support/http/ws_client.py").path,
            "wss://localhost:\(http.gateway.port)/", token, http.certificate,
        ])
        #expect(result.stdout.contains("\"text\": \"hello through warden\""), "\(result.output)\n\(http.gateway.logs)")
        #expect(result.stdout.contains("\"binary_ok\": true"), "\(result.output)")

        // The record keeps the messages, each way.
        #expect(http.gateway.stop() == 0)
        let list = try http.gateway.warden(["sessions", "list"])
        let line = try #require(list.stdout.split(separator: "\n").first { $0.contains(" api ") }, "\(list.output)")
        let replay = try http.gateway.warden(["replay", String(line.split(separator: " ")[0])])
        #expect(replay.stdout.contains("101 Switching Protocols"), "\(replay.output)")
        #expect(replay.stdout.contains("client → upstream | text"), "\(replay.output)")
        #expect(replay.stdout.contains("upstream → client | text"), "\(replay.output)")
        #expect(replay.stdout.contains("hello through warden"), "\(replay.output)")
    }

    /// The server's first frame, sent at once after its 101 (often in the
    /// same packet), reaches the client whole (red-team finding: bytes
    /// after the 101 were lost); the upstream's handshake shows the
    /// gateway's identity headers, not the client's token, and no extension.
    @Test func theFramesRightAfterTheHandshakeArriveAndTheUpstreamSeesTheGateway() async throws {
        let echo = try await WebSocketEchoProcess.start()
        defer { echo.stop() }
        let http = try HTTPGateway(upstreamURL: "http://127.0.0.1:\(echo.port)")
        defer { http.gateway.stop() }
        let token = try http.gateway.devToken(subject: "alice", groups: ["dev"])
        for _ in 0..<5 {
            let result = try Command.run("python3", [
                Paths.repositoryRoot.appendingPathComponent("Tests/Support/http/ws_client.py").path,
                "wss://localhost:\(http.gateway.port)/headers", token, http.certificate,
            ])
            #expect(result.stdout.contains("\"path\": \"/headers\""), "\(result.output)")
            #expect(result.stdout.contains("[\"X-Warden-User\", \"alice\"]"), "\(result.output)")
            #expect(!result.stdout.contains(token), "the client's token reached the upstream")
            #expect(!result.stdout.lowercased().contains("sec-websocket-extensions"), "\(result.output)")
            #expect(result.stdout.contains("\"text\": \"hello through warden\""), "\(result.output)")
        }
    }

    /// A WebSocket lives as long as the token that opened it: at its
    /// expiry the client gets a close frame with code 1008 and the reason.
    /// (On a loaded machine the sign-in may come after the token's expiry,
    /// within the clock tolerance; the session then ends at its end.)
    @Test func webSocketClosesWhenItsTokenExpires() async throws {
        let echo = try await WebSocketEchoProcess.start()
        defer { echo.stop() }
        let http = try HTTPGateway(upstreamURL: "http://127.0.0.1:\(echo.port)")
        defer { http.gateway.stop() }
        let token = try http.gateway.devToken(subject: "alice", groups: ["dev"], ttl: "5s")
        let result = try Command.run("python3", [
            Paths.repositoryRoot.appendingPathComponent("Tests/Support/http/ws_client.py").path,
            "wss://localhost:\(http.gateway.port)/", token, http.certificate, "--wait-close",
        ])
        #expect(result.stdout.contains("\"text\": \"hello through warden\""), "\(result.output)")
        #expect(result.stdout.contains("\"close_code\": 1008"), "\(result.output)\n\(http.gateway.logs)")
        #expect(result.stdout.contains("expired"), "\(result.output)")
    }

    /// Red-team finding: httpbin's `/status/101` answers a WebSocket
    /// upgrade with a bare 101. Taking that as a switch would open a raw
    /// channel to the upstream, down which HTTP requests pass unjudged; only
    /// a real handshake (the accept value for the client's key) switches.
    @Test func aBare101OpensNoTunnel() async throws {
        let http = try HTTPGateway(upstreamURL: try await SharedHTTPUpstream.get().url)
        defer { http.gateway.stop() }
        let token = try http.gateway.devToken(subject: "alice", groups: ["dev"])
        let key = "smuggled-\(UUID().uuidString.prefix(8))"
        let raw = Paths.repositoryRoot.appendingPathComponent("Tests/Support/http/send_raw.py").path
        let file = try Paths.temporaryDirectory("warden-ws101").appendingPathComponent("bare101.http")
        try Data("""
            GET /status/101 HTTP/1.1\r
            Host: x\r
            Authorization: Bearer \(token)\r
            Connection: Upgrade\r
            Upgrade: websocket\r
            Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r
            Sec-WebSocket-Version: 13\r
            \r
            GET /warden/count/\(key) HTTP/1.1\r
            Host: x\r
            X-Warden-User: root\r
            \r

            """.utf8).write(to: file)
        let result = try Command.run("python3", [
            raw, "127.0.0.1", String(http.gateway.port), file.path, "--tls", "--cafile", http.certificate, "--sni", "localhost",
        ])
        // gunicorn itself refuses this one (400); an upstream that sent the
        // bare 101 gets a 502 from Warden. Either way no tunnel opens.
        #expect(!result.stdout.contains(" 101 "), "\(result.output)\n\(http.gateway.logs)")
        #expect(try http.upstreamCounts()[key] == nil, "a request passed down the tunnel unjudged")
    }

    /// The first server-sent event reaches the client while the upstream
    /// still waits to send the second: curl gives up long before that.
    @Test func firstServerSentEventArrivesBeforeTheStreamEnds() async throws {
        let http = try HTTPGateway(upstreamURL: try await SharedHTTPUpstream.get().url)
        defer { http.gateway.stop() }
        let token = try http.gateway.devToken(subject: "alice", groups: ["dev"])
        let result = try Command.run("curl", [
            "-sS", "-N", "--max-time", "8", "--cacert", http.certificate,
            "--resolve", "localhost:\(http.gateway.port):127.0.0.1", "-H", "Authorization: Bearer \(token)",
            http.baseURL + "/warden/events?count=2&interval=60",
        ])
        #expect(result.status == 28, "curl should time out waiting for the second event: \(result.output)")
        #expect(result.stdout.contains("id: 1\nevent: tick\ndata: {\"n\":1"), "\(result.output)")
        #expect(!result.stdout.contains("id: 2"), "\(result.output)")
    }
}
