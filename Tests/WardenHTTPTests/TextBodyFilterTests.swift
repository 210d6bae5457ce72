import Testing
import WardenPluginSDK
@testable import WardenHTTPCore

/// A host whose only masker replaces one address, and which counts its calls.
final class AddressMaskingHost: ProxyHost {
    let secret: String
    var maskCalls = 0
    init(secret: String) { self.secret = secret }

    func mask(_ fields: [Field]) throws(HostStatus) -> [Int: String] {
        maskCalls += 1
        var changed: [Int: String] = [:]
        for (index, field) in fields.enumerated() where field.value?.contains(secret) == true {
            changed[index] = field.value?.replacingOccurrences(of: secret, with: "****")
        }
        return changed
    }

    func write(_ bytes: UnsafeRawBufferPointer, to side: Side) throws(HostStatus) {}
    func startTLS(_ side: Side) throws(HostStatus) -> RequestID { 0 }
    func authenticate(token: String, connection: String) throws(HostStatus) -> RequestID { 0 }
    func openUpstream(connection: String) throws(HostStatus) -> RequestID { 0 }
    func closeUpstream() throws(HostStatus) {}
    func decide(_ action: Action) throws(HostStatus) -> RequestID { 0 }
    func record(_ result: ActionResult) throws(HostStatus) {}
    func pause(_ side: Side) throws(HostStatus) {}
    func resume(_ side: Side) throws(HostStatus) {}
    func log(_ level: LogLevel, _ message: String) {}
}

extension String {
    func replacingOccurrences(of target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}

/// Red-team findings on the text masker: long lines and bytes that are not text.
struct TextBodyFilterTests {
    private func run(_ body: [UInt8], readsOf size: Int, host: AddressMaskingHost) throws -> [UInt8] {
        let filter = TextBodyFilter(host: host, typeName: "text/plain")
        var out: [UInt8] = []
        var start = 0
        while start < body.count {
            let end = min(start + size, body.count)
            out += try body[start..<end].withUnsafeBytes { try filter.feed($0) }
            start = end
        }
        return out + (try filter.finish())
    }

    /// A line over the 64 KiB bound is cut at a space, never inside the
    /// address, wherever the reads happen to end.
    @Test(arguments: [1000, 4096, 65_536, 70_001])
    func anAddressInALongLineIsMaskedWhereverReadsEnd(readSize: Int) throws {
        let secret = "jamal.silva@corp.example"
        let filler = String(repeating: "word ", count: 13_107)  // 65,535 bytes
        let body = Array((filler + "x" + secret + " and more " + String(repeating: "tail ", count: 20_000)).utf8)
        let host = AddressMaskingHost(secret: secret)
        let out = try run(body, readsOf: readSize, host: host)
        #expect(!String(decoding: out, as: UTF8.self).contains(secret))
        #expect(out.count == body.count - secret.count + 4)
    }

    /// Bytes that can never end a character, and no line break: cut anyway,
    /// and each byte passes once.
    @Test func bytesThatAreNotTextPassInBoundedPieces() throws {
        let body = [UInt8](repeating: 0x80, count: 1 << 20)
        let host = AddressMaskingHost(secret: "nothing")
        let out = try run(body, readsOf: 16_384, host: host)
        #expect(out == body)
        // Pieces of about 64 KiB each, not one call per read or one for the whole body.
        #expect(host.maskCalls >= 15 && host.maskCalls <= 17, "\(host.maskCalls) calls")
    }
}
