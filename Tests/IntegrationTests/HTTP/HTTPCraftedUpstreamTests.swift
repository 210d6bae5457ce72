import Foundation
import Testing
import WardenTestSupport

/// Red team round 3 of the HTTP plugin: answers a well-behaved upstream
/// never sends (Tests/Support/http/crafted_upstream.py), and a client that
/// sends bad bytes behind a good request. Each case once broke the
/// pairing of requests and responses, lost an answer, or leaked a value.
@Suite(.serialized, .ownThreads) struct HTTPCraftedUpstreamTests {
    struct Response: Decodable {
        var status: Int
        var body: String
        var local_port: Int
    }

    /// `Content_Length: 2` beside `Content-Length: 12` was taken as the
    /// length written to the client, which then read the rest of the body
    /// as the answer to its next request (a denied one read as 200).
    @Test func onlyTheFramingHeaderSetsTheLength() async throws {
        let (upstream, http) = try await Self.start()
        defer { upstream.stop(); http.gateway.stop() }
        let responses = try Self.oneConnection(http, ["GET /cl-underscore", "GET /denied", "GET /other"])
        #expect(responses.map(\.status) == [200, 403, 200])
        #expect(responses.first?.body == "hello world\n")
        #expect(responses.last?.body == #"{"path": "/other"}"#)
        #expect(Set(responses.map(\.local_port)).count == 1)
    }

    /// A body that ends when the upstream closes reached the client whole,
    /// and then the client's connection closed too, with the requests
    /// pipelined behind it unanswered. It stays open now.
    @Test func aBodyEndingAtTheUpstreamsCloseKeepsTheClient() async throws {
        let (upstream, http) = try await Self.start()
        defer { upstream.stop(); http.gateway.stop() }
        let responses = try Self.oneConnection(http, ["GET /no-length", "GET /after"])
        #expect(responses.map(\.status) == [200, 200])
        #expect(responses.first?.body == "the body ends with the connection\n")
        #expect(Set(responses.map(\.local_port)).count == 1, "one client connection carried both")
    }

    /// A masked connection passed `Transfer-Encoding: gzip` bytes through
    /// the detectors, which found nothing in them, to a client that
    /// unzipped them. A coding Warden cannot read on a masked connection is 502.
    @Test func aTransferCodingOnAMaskedConnectionIsRefused() async throws {
        let (upstream, http) = try await Self.start(masking: """
                masking:
                  - { detect: [email, ssn], masker: pii.redact }
            """)
        defer { upstream.stop(); http.gateway.stop() }
        let token = try http.gateway.devToken(subject: "alice", groups: ["dev"])
        let result = try http.curl("/te-gzip", token: token, ["--raw"])
        #expect(result.httpStatus == 502, "\(result.output)")
    }

    /// Bad bytes pipelined behind a complete, allowed POST closed the
    /// connection at once: the POST ran upstream and its client never got
    /// the answer. The answer comes first now, then the 400.
    @Test func badBytesBehindARequestWaitForItsAnswer() async throws {
        let (upstream, http) = try await Self.start()
        defer { upstream.stop(); http.gateway.stop() }
        let token = try http.gateway.devToken(subject: "alice", groups: ["dev"])
        // The POST goes first; the bad bytes follow while its answer is still on its way (the upstream takes a second).
        let client = """
            import re, socket, ssl, sys, time
            port, token = int(sys.argv[1]), sys.argv[2]
            tls = ssl._create_unverified_context().wrap_socket(socket.create_connection(("127.0.0.1", port)), server_hostname="localhost")
            body = b'{"amount":42}'
            tls.sendall(b"POST /slow HTTP/1.1\\r\\nHost: localhost\\r\\nAuthorization: Bearer " + token.encode()
                        + b"\\r\\nContent-Length: %d\\r\\n\\r\\n" % len(body) + body)
            time.sleep(0.3)
            tls.sendall(b"GET /x HTTP/1.1\\r\\nHost: localhost\\r\\nBad Header: x\\r\\n\\r\\n")
            received = b""
            while chunk := tls.recv(65536):
                received += chunk
            print(" ".join(code.decode() for code in re.findall(rb"HTTP/1\\.1 (\\d{3}) ", received)))
            """
        let result = try Command.run("python3", ["-c", client, String(http.gateway.port), token])
        #expect(result.stdout == "200 400\n", "\(result.output)")
    }

    private static func start(masking: String = "") async throws -> (PythonFixtureProcess, HTTPGateway) {
        let upstream = try await PythonFixtureProcess.start(
            name: "the crafted upstream", script: "http/crafted_upstream.py", expecting: "http://127.0.0.1:",
            requirement: "python3")
        let http = try HTTPGateway(upstreamURL: upstream.firstLine, rules: """
                rules:
                  - { match: { attributes: { path: "/denied" } }, action: deny, reason: "not this one" }
                default: allow
            """, masking: masking)
        return (upstream, http)
    }

    private static func oneConnection(_ http: HTTPGateway, _ steps: [String]) throws -> [Response] {
        let token = try http.gateway.devToken(subject: "alice", groups: ["dev"])
        let result = try http.gateway.oneConnection(token: token, steps)
        #expect(result.status == 0, "\(result.output)\n\(http.gateway.logs)")
        return try result.stdout.split(separator: "\n").map { try JSONDecoder().decode(Response.self, from: Data($0.utf8)) }
    }
}
