import NIOHTTP1
import Testing
import WardenPluginSDK

@testable import WardenHTTPCore

/// What a dialect masks whatever the connection's rules say (a Kubernetes
/// Secret): its replacements, without the detectors unless the connection
/// has rules, and a request that asks for JSON alone.
struct DialectMaskingTests {
    let replacements: [DialectMasking.Replacement] = [
        .init(path: "$..data", with: "W21hc2tlZF0="), .init(path: "$..stringData", with: "[masked]"),
    ]

    @Test func replacementsReachEveryDepthAndEveryChunk() throws {
        let host = AddressMaskingHost(secret: "alice@example.com")
        let filter = try JSONBodyFilter(patterns: [], replacements: replacements, detects: false, host: host)
        let events = #"{"type":"ADDED","object":{"data":{"password":"aHVudGVyMg==","n":42},"note":"alice@example.com"}}"#
            + "\n" + #"{"items":[{"data":{"k":"c2VjcmV0"}},{"stringData":{"k":"plain"}}]}"# + "\n"
        var out: [UInt8] = []
        for chunk in Array(events.utf8).chunked(7) {
            out += try chunk.withUnsafeBytes { try filter.feed($0) }
        }
        out += try filter.finish()
        let text = String(decoding: out, as: UTF8.self)
        #expect(text == #"{"type":"ADDED","object":{"data":{"password":"W21hc2tlZF0=","n":"W21hc2tlZF0="},"note":"alice@example.com"}}"#
            + "\n" + #"{"items":[{"data":{"k":"W21hc2tlZF0="}},{"stringData":{"k":"[masked]"}}]}"# + "\n")
        #expect(host.maskCalls == 0, "without connection rules no value goes to the detectors")
    }

    @Test func theConnectionsRulesStillApplyBeside() throws {
        let host = AddressMaskingHost(secret: "alice@example.com")
        let filter = try JSONBodyFilter(patterns: ["$.note"], replacements: replacements, detects: true, host: host)
        let body = Array(#"{"data":{"p":"eA=="},"note":"alice@example.com","other":"alice@example.com"}"#.utf8)
        let out = try body.withUnsafeBytes { try filter.feed($0) } + (try filter.finish())
        #expect(String(decoding: out, as: UTF8.self) == #"{"data":{"p":"W21hc2tlZF0="},"note":"****","other":"****"}"#)
    }

    @Test func aMaskedRequestAsksForJSONAlone() throws {
        let settings = try UpstreamSettings(values: ["url": "https://kube:6443"])
        func forwarded(_ accept: String?) throws -> String {
            var headers: HTTPHeaders = ["Host": "gw"]
            if let accept { headers.add(name: "Accept", value: accept) }
            headers.add(name: "Accept-Encoding", value: "gzip")
            let head = HTTPRequestHead(version: .http1_1, method: .GET, uri: "/api/v1/secrets", headers: headers)
            return String(decoding: ForwardedRequest.head(
                head, target: try RequestTarget(head.uri), framing: .none, upgrade: nil,
                client: .init(subject: "alice", groups: [], address: "1.2.3.4", usedTLS: true), upstream: settings,
                masked: true, onlyJSON: true), as: UTF8.self)
        }
        let protobuf = try forwarded("application/vnd.kubernetes.protobuf, application/json")
        #expect(protobuf.contains("\r\nAccept: application/json\r\n") && !protobuf.contains("protobuf"), "\(protobuf)")
        let table = try forwarded("application/json;as=Table;v=v1;g=meta.k8s.io,application/json")
        #expect(table.contains("\r\nAccept: application/json;as=Table;v=v1;g=meta.k8s.io,application/json\r\n"), "\(table)")
        let yaml = try forwarded("application/yaml")
        #expect(yaml.contains("\r\nAccept: application/json\r\n") && !yaml.contains("yaml"), "\(yaml)")
        let none = try forwarded(nil)
        #expect(none.contains("\r\nAccept: application/json\r\n") && none.contains("\r\nAccept-Encoding: identity\r\n") && !none.contains("gzip"), "\(none)")
    }
}

extension Array {
    func chunked(_ size: Int) -> [[Element]] {
        stride(from: 0, to: count, by: size).map { Array(self[$0..<Swift.min($0 + size, count)]) }
    }
}
