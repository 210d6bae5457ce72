import NIOHTTP1
import WardenPluginSDK

/// Plain HTTP: a request's class comes from its method (GET, HEAD and
/// OPTIONS read; POST, PUT and PATCH write; DELETE deletes), its target is
/// the normalized path, and rules can match the method, path, query and
/// host as attributes. The upstream learns who signed in from
/// `X-Warden-User` and `X-Warden-Groups`; Warden's own answers are
/// `application/problem+json`.
public struct PlainHTTPDialect: HTTPDialect {
    public init() {}

    public var actionKind: Action.Kind { .httpRequest }
    public var masksUpgradedStreams: Bool { true }
    public var upgradeProtocols: Set<String> { ["websocket"] }

    public func upgradedStream(
        _ protocolName: String, request: HTTPRequestHead, response: HTTPResponseHead, captureLimit: Int
    ) -> any UpgradedStream {
        WebSocketMessages(captureLimit: captureLimit)
    }

    public func action(for head: HTTPRequestHead, target: RequestTarget, excerpt: String?) -> Action {
        let method = head.method.rawValue
        // Rules see a path without its trailing slash: many servers route
        // `/payments/1/` as `/payments/1`, and `*` would not match the slash.
        let path = target.path.count > 1 && target.path.hasSuffix("/") ? String(target.path.dropLast()) : target.path
        // `command`: an approval's time window (`approve --for`) covers this method only.
        var attributes: [(key: String, value: String)] = [("method", method), ("path", path), ("command", method)]
        if let query = target.query { attributes.append(("query", query)) }
        if let host = head.headers.first(name: "host") { attributes.append(("host", host.lowercased())) }
        if let type = head.headers.first(name: "content-type") {
            // The media type alone, as servers compare it: `Application/XML; charset=x` is `application/xml`.
            attributes.append(("content_type", String(type.prefix { $0 != ";" }).trimmingCharacters(in: " \t").lowercased()))
        }
        if let excerpt, !excerpt.isEmpty { attributes.append(("body", excerpt)) }
        return Action(
            kind: .httpRequest, classification: Self.classification(head.method), text: "\(method) \(target.text)",
            targets: [path], attributes: attributes)
    }

    public func refusal(of head: HTTPRequestHead, target: RequestTarget, subject: String) -> String? { nil }

    public func masking(for action: Action) -> DialectMasking? { nil }

    public func ownsHeader(_ canonicalName: String) -> Bool { false }

    public func identityHeaders(subject: String, groups: [String]) -> [(String, String)] {
        // Claims come from the identity provider's directory, not from HTTP:
        // nothing in them may end the header line.
        [("X-Warden-User", WireText.fieldValue(subject)),
         ("X-Warden-Groups", WireText.fieldValue(groups.joined(separator: ",")))]
    }

    public func answer(status: Int, detail: String, close: Bool, headers: [(String, String)]) -> [UInt8] {
        GatewayResponse.problem(status: status, detail: detail, close: close, headers: headers)
    }

    static func classification(_ method: HTTPMethod) -> Action.Classification {
        switch method {
        case .GET, .HEAD, .OPTIONS: .read
        case .POST, .PUT, .PATCH: .write
        case .DELETE: .delete
        default: .unknown
        }
    }
}
