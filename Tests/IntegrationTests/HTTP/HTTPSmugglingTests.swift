import Foundation
import Testing
import WardenTestSupport

/// Must-show 5: every case of the request-smuggling corpus
/// (`Tests/Support/http/smuggling`, with the reason for each) ends in the
/// expected 4xx and a closed connection, and the upstream sees neither the
/// malformed request nor the one smuggled behind it.
@Suite(.serialized, .ownThreads) struct HTTPSmugglingTests {
    static let corpus = Paths.repositoryRoot.appendingPathComponent("Tests/Support/http/smuggling")

    @Test func everyCaseIsRefusedAndNothingReachesTheUpstream() async throws {
        let http = try HTTPGateway(
            upstreamURL: try await SharedHTTPUpstream.get().url, extra: "    max_body_bytes: 1048576")
        defer { http.gateway.stop() }
        let token = try http.gateway.devToken(subject: "alice", groups: ["dev"])
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.corpus.path)
            .filter { $0.hasSuffix(".http") }.sorted().map { Self.corpus.appendingPathComponent($0).path }
        #expect(files.count >= 30)
        let before = try http.upstreamCounts()
        let result = try Command.run("python3", [
            Paths.repositoryRoot.appendingPathComponent("Tests/Support/http/send_raw.py").path,
            "127.0.0.1", String(http.gateway.port), "--tls", "--cafile", http.certificate, "--sni", "localhost",
            "--header", "Authorization: Bearer \(token)", "--check",
        ] + files)
        #expect(result.status == 0, "\(result.output)")
        let reached = try http.upstreamCounts().filter { before[$0.key] != $0.value }
        #expect(reached.isEmpty, "the upstream received \(reached)")
        // Red-team finding: a session refused while its upstream connection
        // was being opened (the 413 case) never ended, and kept its memory.
        try http.gateway.waitForEndedSessions(try http.gateway.storeCount("SELECT count(*) FROM sessions"))
    }
}
