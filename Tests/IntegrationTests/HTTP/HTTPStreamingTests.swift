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
