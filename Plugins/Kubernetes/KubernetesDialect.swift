import NIOHTTP1
import WardenHTTPCore
import WardenPluginSDK

/// The Kubernetes API behind the shared HTTP proxy: requests are described
/// by the API server's own resolver (``KubernetesRequest``), the upstream
/// learns who signed in through impersonation (`Impersonate-User`,
/// `Impersonate-Group`) so that its RBAC and audit see the person, and
/// Warden's answers are `Status` objects, which kubectl prints as it prints
/// the API server's own refusals.
public struct KubernetesDialect: HTTPDialect {
    /// Put before each group the API server is told (the listener's
    /// `options: { impersonate_group_prefix: "oidc:" }`), so that the
    /// identity provider's groups cannot collide with the cluster's own.
    let groupPrefix: String

    public init(groupPrefix: String = "") {
        self.groupPrefix = groupPrefix
    }

    /// The dialect a listener's options ask for.
    public init(options: [String: String]) {
        self.init(groupPrefix: options["impersonate_group_prefix"] ?? "")
    }

    public var actionKind: Action.Kind { .kubernetes }
    /// An exec or attach stream is a terminal, not an API object: the
    /// connection's masking rules are for the objects. Such streams are
    /// critical actions, recorded and held for approval by the rules.
    public var masksUpgradedStreams: Bool { false }
    /// exec, attach and port-forward: SPDY/3.1 (kubectl before 1.30, and its
    /// fallback) and WebSocket (`v4`/`v5.channel.k8s.io`).
    public var upgradeProtocols: Set<String> { ["websocket", "spdy/3.1"] }

    /// exec and attach are recorded from their channels; port-forward by the bytes each port moved.
    public func upgradedStream(
        _ protocolName: String, request: HTTPRequestHead, response: HTTPResponseHead, captureLimit: Int
    ) -> any UpgradedStream {
        // As the policy read it: a path spelled another way is still an exec.
        let resolved = Self.resolved(request)
        // The server reads base64 or not by the subprotocol it chose, whatever a frame's type says.
        let subprotocol = response.headers.first(name: "sec-websocket-protocol")?.lowercased() ?? ""
        return ExecStreamRecorder(
            webSocket: protocolName.lowercased() == "websocket", base64: subprotocol.contains("base64"),
            recordsData: resolved?.subresource != "portforward", ports: resolved?.ports ?? [], captureLimit: captureLimit)
    }

    public func action(for head: HTTPRequestHead, target: RequestTarget, excerpt: String?) throws(HTTPInputError) -> Action {
        let request = try KubernetesRequest(method: head.method.rawValue, path: target.path, query: target.query)
        let description = KubernetesAction(request)
        var attributes = description.attributes
        attributes.append(("method", head.method.rawValue))
        attributes.append(("path", target.path))
        if let query = target.query { attributes.append(("query", query)) }
        if let excerpt, !excerpt.isEmpty, !description.holdsSecrets { attributes.append(("body", excerpt)) }
        return Action(
            kind: .kubernetes, classification: description.classification, risk: description.risk,
            text: description.text, targets: description.targets, attributes: attributes)
    }

    /// Impersonation is the gateway's: a client that asks to act as someone
    /// else (`kubectl --as`, `--as-group`) is refused, not quietly stripped,
    /// so that it learns it did not get what it asked for. Discovery and
    /// other reads that name no resource are the exception: their headers
    /// are removed, so that kubectl reaches the request it was asked to make
    /// and prints its refusal (it prints none for a refused discovery).
    /// A subject the API server reserves for its own components (`system:…`)
    /// is refused.
    ///
    /// Only exec, attach and port-forward may switch protocols: anything
    /// else over a WebSocket (a watch of Secrets) would pass unmasked and
    /// unrecorded. JSON Patch on a Secret is refused: its `copy`, `move` and
    /// `test` operations read a Secret's values into fields Warden does not
    /// mask (an annotation, an error message) or test them.
    public func refusal(of head: HTTPRequestHead, target: RequestTarget, subject: String) -> String? {
        let request = try? KubernetesRequest(method: head.method.rawValue, path: target.path, query: target.query)
        if let name = head.headers.map(\.name).first(where: { Self.isImpersonation(HeaderName.canonical($0)) }),
           request?.isResourceRequest ?? true || !(head.method == .GET || head.method == .HEAD) {
            return "Warden impersonates the signed-in person itself; the request's \(name.prefix(64)) header asks to act as someone else"
        }
        if Self.asSent(subject).isEmpty {
            return "the token's subject is blank: there is nobody to act as"
        }
        if Self.asSent(subject).hasPrefix(Self.reservedPrefix) {
            return "the subject \(subject.prefix(128)) is reserved for the cluster's own components and cannot be impersonated"
        }
        if head.asksToSwitchProtocols, !(request.map(Self.streams) ?? false) {
            return "only exec, attach and port-forward may switch protocols through Warden: anything else would pass unmasked and unrecorded"
        }
        if head.method == .PATCH, request?.resource == "secrets", request?.apiGroup == "",
           head.headers["content-type"].contains(where: { $0.lowercased().hasPrefix("application/json-patch+json") }) {
            return "JSON Patch is not served on Secrets: its copy, move and test operations would read a Secret's values past Warden's masking; use a merge or strategic merge patch"
        }
        return nil
    }

    /// pods/exec, pods/attach, pods/portforward: the requests that switch protocols.
    private static func streams(_ request: KubernetesRequest) -> Bool {
        request.isResourceRequest && request.apiGroup.isEmpty && request.resource == "pods"
            && ["exec", "attach", "portforward"].contains(request.subresource)
    }

    private static func resolved(_ head: HTTPRequestHead) -> KubernetesRequest? {
        (try? RequestTarget(head.uri)).flatMap { try? KubernetesRequest(method: head.method.rawValue, path: $0.path, query: $0.query) }
    }

    /// A claim as the API server reads it from the header Warden writes:
    /// control characters become spaces, and Go trims the value's ends.
    static func asSent(_ claim: String) -> String {
        WireText.fieldValue(claim).trimmingCharacters(in: " \t")
    }

    /// A Secret's values never reach the client or the records, whatever
    /// the connection's rules: in a Secret, a list, a watch's events or a
    /// table with objects, `data` and `stringData` values are replaced
    /// (`data` by valid base64, so that typed clients still decode the
    /// object), and so is kubectl's last-applied annotation, which copies them.
    public func masking(for action: Action) -> DialectMasking? {
        guard action.attributes.contains(where: { $0.key == "resource" && $0.value == "secrets" }),
              action.attributes.contains(where: { $0.key == "group" && $0.value.isEmpty }) else { return nil }
        return DialectMasking(replacements: [
            .init(path: "$..data", with: Self.maskedBase64),
            .init(path: "$..stringData", with: Self.masked),
            .init(path: "$..annotations['kubectl.kubernetes.io/last-applied-configuration']", with: Self.masked),
        ], what: "a Secret's values")
    }

    static let masked = "[masked by Warden]"
    /// base64 of ``masked``.
    static let maskedBase64 = "W21hc2tlZCBieSBXYXJkZW5d"

    public func ownsHeader(_ canonicalName: String) -> Bool {
        Self.isImpersonation(canonicalName)
    }

    /// Groups the API server reserves (`system:masters` is cluster-admin)
    /// are never asserted for a person, whatever the identity provider says.
    public func identityHeaders(subject: String, groups: [String]) -> [(String, String)] {
        // Checked and sent in the form the API server reads: a leading space
        // or tab must not carry `system:masters` past the check.
        [("Impersonate-User", Self.asSent(subject))]
            + groups.map(Self.asSent).filter { !$0.isEmpty && !$0.hasPrefix(Self.reservedPrefix) }
                .map { ("Impersonate-Group", Self.asSent(groupPrefix + $0)) }
    }

    public func answer(status: Int, detail: String, close: Bool, headers: [(String, String)]) -> [UInt8] {
        KubernetesStatus.response(code: status, message: detail, close: close, headers: headers)
    }

    private static let reservedPrefix = "system:"

    /// `Impersonate-User`, `-Group`, `-Uid`, `-Extra-*`, in any case and with `_` for `-`.
    private static func isImpersonation(_ canonical: String) -> Bool {
        canonical.hasPrefix("impersonate-")
    }
}
