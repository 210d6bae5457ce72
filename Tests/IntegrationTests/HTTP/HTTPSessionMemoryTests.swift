import Foundation
import Testing
import WardenTestSupport

/// A gateway that serves many short connections keeps its memory: each
/// session's state goes when the session does.
@Suite(.serialized, .ownThreads) struct HTTPSessionMemoryTests {
    /// Red-team finding: every HTTP session (a refused one too) left its two
    /// in-memory decoder channels behind, about 13 KiB, and every new
    /// upstream connection another: 3,000 sessions grew the gateway by 39 MB.
    @Test func manyShortSessionsDoNotGrowTheGateway() async throws {
        let http = try HTTPGateway(upstreamURL: try await SharedHTTPUpstream.get().url)
        defer { http.gateway.stop() }
        let token = try http.gateway.devToken(subject: "alice", groups: ["dev"])
        let script = PythonFixtureProcess.supportDirectory.appendingPathComponent("http/many_sessions.py").path
        func sessions(_ count: Int, token: String?) throws {
            let result = try Command.run("python3", [script, String(http.gateway.port), String(count)]
                + (token.map { ["--header", "Authorization: Bearer \($0)"] } ?? []))
            let status = token == nil ? "401" : "200"
            #expect(result.stdout.contains("{\"\(status)\": \(count)}"), "\(result.output)")
        }
        // Warm up: the first sessions fill caches and the allocator's arenas.
        try sessions(150, token: token)
        try sessions(50, token: nil)
        try http.gateway.waitForEndedSessions(200)
        let before = try #require(http.gateway.residentKiB)
        try sessions(560, token: token)
        try sessions(140, token: nil)
        try http.gateway.waitForEndedSessions(900)
        let after = try #require(http.gateway.residentKiB)
        print("gateway RSS: \(before) KiB after 200 sessions, \(after) KiB after 900")
        // The leak grew it by 9 MB over these 700 sessions; what may grow
        // without one is bounded (SQLite's page cache, 2 MB at most).
        #expect(after - before < 4608, "700 sessions grew the gateway from \(before) KiB to \(after) KiB")
    }
}
