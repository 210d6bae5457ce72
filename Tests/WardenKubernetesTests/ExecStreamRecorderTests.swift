import CZlib
import Testing
import WardenHTTPCore
import WardenPluginSDK

@testable import WardenKubernetesCore

/// The exec recorder reads kubectl's channel frames as they pass, in any
/// split: SPDY/3.1 streams named by their compressed headers, and
/// channel.k8s.io WebSocket messages in each of their forms.
@Suite("Exec stream recorder")
struct ExecStreamRecorderTests {
    /// One direction's SPDY header compressor, as spdystream keeps it.
    final class Deflater {
        var stream = z_stream()
        init() {
            deflateInit_(&stream, Z_DEFAULT_COMPRESSION, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
            _ = SPDYDictionary.bytes.withUnsafeBufferPointer { deflateSetDictionary(&stream, $0.baseAddress, UInt32($0.count)) }
        }
        deinit { deflateEnd(&stream) }

        func block(_ headers: [(String, String)]) -> [UInt8] {
            var plain = UInt32(headers.count).bigEndianBytes
            for (name, value) in headers {
                plain += UInt32(name.utf8.count).bigEndianBytes + Array(name.utf8)
                plain += UInt32(value.utf8.count).bigEndianBytes + Array(value.utf8)
            }
            var out = [UInt8](repeating: 0, count: plain.count + 256)
            let written = plain.withUnsafeMutableBufferPointer { source in
                out.withUnsafeMutableBufferPointer { target in
                    stream.next_in = source.baseAddress
                    stream.avail_in = UInt32(source.count)
                    stream.next_out = target.baseAddress
                    stream.avail_out = UInt32(target.count)
                    deflate(&stream, Z_SYNC_FLUSH)
                    return target.count - Int(stream.avail_out)
                }
            }
            return Array(out[..<written])
        }
    }

    static func synStream(_ id: UInt32, _ block: [UInt8]) -> [UInt8] {
        let payload = id.bigEndianBytes + [0, 0, 0, 0, 0, 0] + block
        return [0x80, 3, 0, 1, 0] + UInt32(payload.count).bigEndianBytes.suffix(3) + payload
    }

    static func data(_ id: UInt32, _ text: String, fin: Bool = false) -> [UInt8] {
        id.bigEndianBytes + [fin ? 1 : 0] + UInt32(text.utf8.count).bigEndianBytes.suffix(3) + Array(text.utf8)
    }

    private func feed(_ recorder: inout ExecStreamRecorder, _ bytes: [UInt8], from side: Side, split: Int) -> Bool {
        var index = 0
        while index < bytes.count {
            let end = min(index + split, bytes.count)
            let ok = bytes[index..<end].withUnsafeBytes { recorder.observe($0, from: side) }
            if !ok { return false }
            index = end
        }
        return true
    }

    @Test(arguments: [1, 3, 1000])
    func spdyStreamsAreNamedByTheirHeaders(split: Int) throws {
        var recorder = ExecStreamRecorder(webSocket: false, recordsData: true, captureLimit: 1 << 16)
        let client = Deflater()
        // kubectl opens error, stdin, stdout, stderr in order, each with a streamtype header.
        var fromClient: [UInt8] = []
        for (id, type) in [(1, "error"), (3, "stdin"), (5, "stdout"), (7, "stderr")] as [(UInt32, String)] {
            fromClient += Self.synStream(id, client.block([("streamtype", type)]))
        }
        fromClient += Self.data(3, "typed\n", fin: true)
        let fromServer = Self.data(5, "typed\n") + Self.data(7, "oops\n")
            + Self.data(1, #"{"metadata":{},"status":"Failure","reason":"NonZeroExitCode","details":{"causes":[{"reason":"ExitCode","message":"3"}]}}"#)
        #expect(feed(&recorder, fromClient, from: .client, split: split))
        #expect(feed(&recorder, fromServer, from: .upstream, split: split))
        let record = recorder.finish()
        let rows = try #require(record.table).rows.map { [$0[1] ?? "", $0[2] ?? ""] }
        #expect(rows.prefix(3) == [["stdin", "typed\n"], ["stdout", "typed\n"], ["stderr", "oops\n"]])
        #expect(record.summary == "exit code 3")
    }

    @Test func whatIsNotSPDYFromTheClientClosesTheStream() {
        var recorder = ExecStreamRecorder(webSocket: false, recordsData: true, captureLimit: 1 << 16)
        let request = Array("GET /api/v1/secrets HTTP/1.1\r\nHost: x\r\n\r\n".utf8)
        #expect(!request.withUnsafeBytes { recorder.observe($0, from: .client) })
    }

    @Test func portForwardCountsBytesPerPort() throws {
        var recorder = ExecStreamRecorder(webSocket: false, recordsData: false, captureLimit: 1 << 16)
        let client = Deflater()
        let bytes = Self.synStream(1, client.block([("streamtype", "error"), ("port", "80")]))
            + Self.synStream(3, client.block([("streamtype", "data"), ("port", "80")])) + Self.data(3, "GET / HTTP/1.0\r\n\r\n")
        #expect(bytes.withUnsafeBytes { recorder.observe($0, from: .client) })
        let record = recorder.finish()
        #expect(try #require(record.table).rows == [[nil, "port 80", "18 bytes"]])
        #expect(record.summary == "18 bytes forwarded")
    }

    /// Client messages are masked; binary ones carry the channel's number
    /// first, as do the Python client's text ones.
    @Test func webSocketChannelsInEachForm() throws {
        var recorder = ExecStreamRecorder(webSocket: true, recordsData: true, captureLimit: 1 << 16)
        let stdin = Self.frame(opcode: 0x2, [0] + Array("binary in\n".utf8), masked: true)
            + Self.frame(opcode: 0x1, [0] + Array("text in\n".utf8), masked: true)
        let out = Self.frame(opcode: 0x2, [1] + Array("out\n".utf8), masked: false)
            + Self.frame(opcode: 0x2, [3] + Array(#"{"metadata":{},"status":"Success"}"#.utf8), masked: false)
        #expect(stdin.withUnsafeBytes { recorder.observe($0, from: .client) })
        #expect(out.withUnsafeBytes { recorder.observe($0, from: .upstream) })
        let record = recorder.finish()
        let rows = try #require(record.table).rows.map { [$0[1] ?? "", $0[2] ?? ""] }
        #expect(rows.prefix(3) == [["stdin", "binary in\n"], ["stdin", "text in\n"], ["stdout", "out\n"]])
        #expect(record.summary == "exit code 0")
        var forward = ExecStreamRecorder(webSocket: true, recordsData: false, ports: ["8080"], captureLimit: 1 << 16)
        let both = Self.frame(opcode: 0x2, [0] + Array("GET /".utf8), masked: true)
        #expect(both.withUnsafeBytes { forward.observe($0, from: .client) })
        #expect(Self.frame(opcode: 0x2, [1, 0x90, 0x1F], masked: false).withUnsafeBytes { forward.observe($0, from: .upstream) })
        #expect(try #require(forward.finish().table).rows == [[nil, "port 8080", "5 bytes"], [nil, "port 8080 error", "2 bytes"]])
        var unmasked = ExecStreamRecorder(webSocket: true, recordsData: true, captureLimit: 1 << 16)
        #expect(!Self.frame(opcode: 0x2, [0, 65], masked: false).withUnsafeBytes { unmasked.observe($0, from: .client) })
    }

    /// The server reads base64 by the subprotocol, not the frame's type: a
    /// binary `0`+base64 message under v4.base64 is stdin, and a text one
    /// under v4.channel is not.
    @Test func theSubprotocolSaysWhatIsBase64() throws {
        var base64 = ExecStreamRecorder(webSocket: true, base64: true, recordsData: true, captureLimit: 1 << 16)
        #expect(Self.frame(opcode: 0x2, Array("0aWQK".utf8), masked: true).withUnsafeBytes { base64.observe($0, from: .client) })
        #expect(try #require(base64.finish().table).rows.map { [$0[1] ?? "", $0[2] ?? ""] } == [["stdin", "id\n"]])
        var plain = ExecStreamRecorder(webSocket: true, base64: false, recordsData: true, captureLimit: 1 << 16)
        #expect(Self.frame(opcode: 0x1, Array("0aWQK".utf8), masked: true).withUnsafeBytes { plain.observe($0, from: .client) })
        #expect(try #require(plain.finish().table).rows.map { $0[1] ?? "" } == ["channel 48"])
    }

    /// A chunk past the capture limit was dropped whole while later ones
    /// were kept: a padded command vanished from the record.
    @Test func theRecordIsAPrefixOfTheStream() throws {
        var recorder = ExecStreamRecorder(webSocket: true, recordsData: true, captureLimit: 10)
        let stdin = Self.frame(opcode: 0x2, [0] + Array("12345".utf8), masked: true)
            + Self.frame(opcode: 0x2, [0] + Array("padded-command".utf8), masked: true)
            + Self.frame(opcode: 0x2, [0] + Array("x".utf8), masked: true)
        #expect(stdin.withUnsafeBytes { recorder.observe($0, from: .client) })
        let table = try #require(recorder.finish().table)
        #expect(table.rows.map { $0[2] ?? "" } == ["12345", "padde"] && table.truncated)
    }

    /// Red team round 2: base64 read as Go reads it (line breaks skipped, a
    /// broken group refused whole), reserved opcodes refused, a stream's
    /// type read up to NUL and named by its first SYN_STREAM.
    @Test func theRecordReadsWhatTheServerReads() throws {
        var base64 = ExecStreamRecorder(webSocket: true, base64: true, recordsData: true, captureLimit: 1 << 16)
        let split = Self.frame(opcode: 0x1, Array("0aWQg\r\nLWEK".utf8), masked: true)
        let broken = Self.frame(opcode: 0x1, Array("0ZmFrZQ".utf8), masked: true)
        #expect((split + broken).withUnsafeBytes { base64.observe($0, from: .client) })
        #expect(try #require(base64.finish().table).rows.map { [$0[1] ?? "", $0[2] ?? ""] } == [["stdin", "id -a\n"]])

        var reserved = ExecStreamRecorder(webSocket: true, recordsData: true, captureLimit: 1 << 16)
        #expect(!Self.frame(opcode: 0x3, [0] + Array("id\n".utf8), masked: true).withUnsafeBytes { reserved.observe($0, from: .client) })

        var spdy = ExecStreamRecorder(webSocket: false, recordsData: true, captureLimit: 1 << 16)
        let client = Deflater()
        let bytes = Self.synStream(1, client.block([("streamtype", "stdin\0resize")]))
            + Self.synStream(1, client.block([("streamtype", "resize")])) + Self.data(1, "id\n")
        #expect(bytes.withUnsafeBytes { spdy.observe($0, from: .client) })
        #expect(try #require(spdy.finish().table).rows.map { [$0[1] ?? "", $0[2] ?? ""] } == [["stdin", "id\n"]])
    }

    /// A stream whose type hid behind 1,024 other headers.
    @Test func aHeaderBlockOfTooManyHeadersClosesTheStream() {
        var recorder = ExecStreamRecorder(webSocket: false, recordsData: true, captureLimit: 1 << 16)
        let headers = (0..<1025).map { ("x\($0)", "y") } + [("streamtype", "stdin")]
        let frame = Self.synStream(1, Deflater().block(headers))
        #expect(!frame.withUnsafeBytes { recorder.observe($0, from: .client) })
    }

    @Test func theCaptureLimitTruncatesButTheExitCodeStays() throws {
        var recorder = ExecStreamRecorder(webSocket: true, recordsData: true, captureLimit: 8)
        let out = Self.frame(opcode: 0x2, [1] + Array("0123456789".utf8), masked: false)
            + Self.frame(opcode: 0x2, [3] + Array(#"{"status":"Failure","reason":"NonZeroExitCode","details":{"causes":[{"reason":"ExitCode","message":"7"}]}}"#.utf8), masked: false)
        #expect(out.withUnsafeBytes { recorder.observe($0, from: .upstream) })
        let record = recorder.finish()
        #expect(try #require(record.table).truncated && record.summary == "exit code 7")
    }

    static func frame(opcode: UInt8, _ payload: [UInt8], masked: Bool) -> [UInt8] {
        precondition(payload.count < 126)
        var bytes: [UInt8] = [0x80 | opcode, (masked ? 0x80 : 0) | UInt8(payload.count)]
        guard masked else { return bytes + payload }
        let key: [UInt8] = [0x12, 0x34, 0x56, 0x78]
        bytes += key
        bytes += payload.enumerated().map { $0.element ^ key[$0.offset % 4] }
        return bytes
    }
}

extension UInt32 {
    var bigEndianBytes: [UInt8] { [UInt8(self >> 24), UInt8(self >> 16 & 0xFF), UInt8(self >> 8 & 0xFF), UInt8(self & 0xFF)] }
}
