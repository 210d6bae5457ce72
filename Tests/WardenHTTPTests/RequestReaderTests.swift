import NIOEmbedded
import NIOHTTP1
import Testing
@testable import WardenHTTPCore

/// Framing the decoder and Warden's own checks refuse, each a way to make
/// a server read a second request Warden never judged.
struct RequestReaderTests {
    /// heaptrack found every session's decoders left behind: an
    /// EmbeddedChannel and its pipeline keep each other alive until the
    /// channel closes. Readers close theirs when they go.
    @Test func decodersAreFreedWithTheirReaders() throws {
        weak var request: EmbeddedChannel?
        weak var response: EmbeddedChannel?
        do {
            var requests = RequestReader()
            let responses = ResponseReader()
            request = requests.channel
            response = responses.channel
            let parts = try Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8).withUnsafeBytes { try requests.read($0) }
            #expect(parts.count == 2)
            #expect(request != nil && response != nil)
        }
        #expect(request == nil, "the request decoder's channel outlived its reader")
        #expect(response == nil, "the response decoder's channel outlived its reader")
    }

    private func heads(_ raw: String) throws -> [HTTPRequestHead] {
        var reader = RequestReader()
        let bytes = Array(raw.utf8)
        let parts = try bytes.withUnsafeBytes { raw in try reader.read(raw) }
        var heads: [HTTPRequestHead] = []
        for case .head(let head) in parts {
            _ = try RequestCheck(head)
            heads.append(head)
        }
        return heads
    }

    @Test(arguments: [
        "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nContent-Length: 5\r\n\r\nabcde",
        "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4, 5\r\n\r\nabcde",
        "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n-1\r\nx\r\n0\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: a\r\nX-A: 1\r\n folded\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: a\r\nX-A: 1\rX-B: 2\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: a\r\nBad Name: 1\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
        "GET / HTTP/1.1\r\n\r\n",
        "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    ])
    func ambiguousFramingIsRefused(raw: String) {
        #expect(throws: HTTPInputError.self) { try heads(raw) }
    }

    @Test func aHeadThatNeverEndsIsRefusedBeforeItFillsMemory() {
        var reader = RequestReader(maxHeadBytes: 1024)
        let line = Array("GET /".utf8) + Array(repeating: UInt8(ascii: "a"), count: 2000)
        #expect(throws: HTTPInputError.self) {
            try line.withUnsafeBytes { raw in _ = try reader.read(raw) }
        }
    }

    @Test func pipelinedRequestsComeOutInOrder() throws {
        let heads = try heads("GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(heads.map(\.uri) == ["/a", "/b"])
    }
}
