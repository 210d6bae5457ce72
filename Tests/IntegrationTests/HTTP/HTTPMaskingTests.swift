import Foundation
import Testing
import WardenTestSupport

/// Must-show 3: JSON bodies masked as they stream, by path and by detection,
/// with everything else byte for byte and the gateway's memory bounded.
@Suite(.serialized, .ownThreads) struct HTTPMaskingTests {
    let http: HTTPGateway

    init() async throws {
        http = try HTTPGateway(
            upstreamURL: try await SharedHTTPUpstream.get().url,
            masking: """
                masking:
                  - { paths: ["$.users[*].email", "$..ssn"], masker: pii.redact }
                  - { detect: [email, ssn], masker: pii.redact }
            """)
    }

    /// About 50 MB of `{"users":[…]}`, streamed (chunked) by the upstream.
    @Test func fiftyMegabytesStreamMaskedInBoundedMemory() throws {
        defer { http.gateway.stop() }
        let token = try http.gateway.devToken(subject: "alice", groups: ["dev"])
        let directory = try Paths.temporaryDirectory("warden-http-mask")
        defer { try? FileManager.default.removeItem(at: directory) }
        let original = directory.appendingPathComponent("original.json").path
        let masked = directory.appendingPathComponent("masked.json").path
        let path = "/warden/users?count=270000"

        // Warm up: the first exchange loads what every later one shares.
        #expect(try http.curl("/warden/users?count=10", token: token).httpStatus == 200)
        let baseline = try #require(http.gateway.residentKiB)
        let client = Process()
        client.executableURL = URL(fileURLWithPath: try Command.resolve("curl"))
        client.arguments = [
            "-sS", "--max-time", "300", "--cacert", http.certificate, "--resolve", "localhost:\(http.gateway.port):127.0.0.1",
            "-H", "Authorization: Bearer \(token)", "-o", masked, http.baseURL + path,
        ]
        try client.run()
        var peak = baseline
        while client.isRunning {
            peak = max(peak, http.gateway.residentKiB ?? 0)
            Thread.sleep(forTimeInterval: 0.02)
        }
        #expect(client.terminationStatus == 0)
        let grown = (peak - baseline) / 1024
        #expect(grown < 64, "the gateway's resident memory grew by \(grown) MiB while masking")

        let direct = try Command.run("curl", ["-sS", "--max-time", "300", "-o", original, http.upstreamURL + path])
        #expect(direct.status == 0, "\(direct.output)")
        let size = (try FileManager.default.attributesOfItem(atPath: original)[.size] as? Int) ?? 0
        #expect(size > 50_000_000)
        let check = try Command.run("python3", [
            Paths.repositoryRoot.appendingPathComponent("Tests/Support/http/check_masked_users.py").path, original, masked, "****",
        ])
        #expect(check.status == 0 && check.stdout.hasPrefix("identical"), "\(check.output)")
    }

    /// Text bodies go through the detectors; a JSON body with a length
    /// arrives re-chunked, since masking changes its length.
    @Test func textAndSizedJSONBodiesAreMasked() throws {
        defer { http.gateway.stop() }
        let token = try http.gateway.devToken(subject: "alice", groups: ["dev"])
        let text = try http.curl("/warden/text", token: token)
        #expect(text.httpBody.contains("Contact Ann Lee at **** or"), "\(text.output)")
        #expect(!text.httpBody.contains("123-45-6789"), "\(text.output)")
        let sized = try http.curl("/warden/users.json?count=3", token: token, ["-i"])
        #expect(sized.stdout.contains("Transfer-Encoding: chunked"), "\(sized.stdout)")
        #expect(!sized.stdout.contains("@example.com"), "\(sized.stdout)")
        // A client that asks for gzip still gets a body Warden could read, and so mask.
        let compressed = try http.curl("/warden/users.json?count=3&gzip=1", token: token, ["--compressed"])
        #expect(compressed.httpStatus == 200)
        #expect(!compressed.httpBody.contains("@example.com"), "\(compressed.output)")
        // Nor a part of one, which could cut a value loose from its key.
        let part = try http.curl("/warden/users.json?count=3", token: token, ["-H", "Range: bytes=60-90"])
        #expect(part.httpStatus == 200, "\(part.output)")
        #expect(!part.httpBody.contains("@example.com"), "\(part.output)")
        // WebSocket messages are not masked: a masked connection does not open one.
        let socket = try http.curl("/", token: token, [
            "-H", "Connection: Upgrade", "-H", "Upgrade: websocket", "-H", "Sec-WebSocket-Version: 13",
            "-H", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
        ])
        #expect(socket.httpStatus == 501, "\(socket.output)")

        // Red-team findings: header values are read too, and what describes
        // the unmasked body (its digests, its length) does not pass.
        let header = try http.curl("/response-headers?X-Contact=ann.lee@example.com", token: token, ["-i"])
        #expect(header.httpStatus == 200)
        #expect(!header.stdout.contains("ann.lee@example.com"), "\(header.stdout)")
        let etag = try http.curl("/etag/abc", token: token, ["-i"])
        #expect(etag.httpStatus == 200)
        #expect(!etag.stdout.lowercased().contains("etag:"), "\(etag.stdout)")
        let head = try http.curl("/warden/users.json?count=3", token: token, ["-I"])
        #expect(head.httpStatus == 200)
        #expect(!head.stdout.lowercased().contains("content-length"), "\(head.stdout)")
    }
}
