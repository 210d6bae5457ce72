import WardenHTTPCore

/// A request to the Kubernetes API as the API server's own resolver
/// (`k8s.io/apiserver/pkg/endpoints/request.RequestInfoFactory`) reads it,
/// step for step, so that rules judge the verb, resource, namespace and name
/// that the API server's authorization and storage will act on.
///
/// `path` is the decoded, normalized path Warden also forwards (see
/// ``RequestTarget``), which is what the API server reads as `URL.Path`.
public struct KubernetesRequest: Equatable, Sendable {
    /// `/api/…` and `/apis/…` name resources; anything else (`/version`,
    /// `/healthz`, discovery such as `/apis/apps/v1`) does not.
    public var isResourceRequest = false
    /// The API server's verb: `get`, `list`, `watch`, `create`, `update`,
    /// `patch`, `delete`, `deletecollection`, `proxy`; for a non-resource
    /// request the method in lower case.
    public var verb: String
    public var apiPrefix = ""
    /// Empty for the core group (`/api/v1`).
    public var apiGroup = ""
    public var apiVersion = ""
    public var namespace = ""
    public var resource = ""
    public var subresource = ""
    public var name = ""
    /// What a proxy request passes on below `…/proxy/`: for `nodes/proxy`, the kubelet's own path.
    public var proxyPath: [String] = []
    public var path: String
    public let method: String
    let query: GoQuery

    /// The path prefixes that name resources, and the one whose resources have no group.
    private static let apiPrefixes: Set<Substring> = ["api", "apis"]
    private static let grouplessPrefix = "api"
    /// Verbs written into the path (`/api/v1/watch/pods`), the old way.
    private static let specialVerbs: Set<Substring> = ["proxy", "watch"]
    /// Subresources of a namespace itself, not resources inside it.
    private static let namespaceSubresources: Set<Substring> = ["status", "finalize"]

    public init(method: String, path: String, query: String?) throws(HTTPInputError) {
        self.path = path
        self.method = method
        self.query = try GoQuery(query)
        // A request that names no resource: its verb is its method.
        verb = method.lowercased()
        let trimmed = path.drop { $0 == "/" }.reversed().drop { $0 == "/" }.reversed()
        var parts = trimmed.isEmpty ? [] : String(trimmed).split(separator: "/", omittingEmptySubsequences: false)[...]
        guard parts.count >= 3, Self.apiPrefixes.contains(parts[parts.startIndex]) else { return }
        apiPrefix = String(parts.removeFirst())
        if apiPrefix != Self.grouplessPrefix {
            // The prefix is consumed: "do we have four parts?"
            guard parts.count >= 3 else { return }
            apiGroup = String(parts.removeFirst())
        }
        isResourceRequest = true
        apiVersion = String(parts.removeFirst())

        if let first = parts.first, Self.specialVerbs.contains(first) {
            guard parts.count >= 2 else {
                throw HTTPInputError("the API server cannot tell the kind and namespace of \(path)")
            }
            verb = String(parts.removeFirst())
        } else {
            verb = switch method {
            case "POST": "create"
            case "GET", "HEAD": "get"
            case "PUT": "update"
            case "PATCH": "patch"
            case "DELETE": "delete"
            default: ""
            }
        }

        // `/namespaces/{namespace}/{resource}/…`: what follows the namespace
        // is a resource in its own right, unless it is the namespace's own subresource.
        if parts.first == "namespaces" {
            if parts.count > 1 {
                namespace = String(parts[parts.startIndex + 1])
                if parts.count > 2, !Self.namespaceSubresources.contains(parts[parts.startIndex + 2]) {
                    parts = parts.dropFirst(2)
                }
            }
        }
        // resource/name/subresource/anything-else
        let items = Array(parts)
        if items.count >= 3, verb != "proxy" { subresource = String(items[2]) }
        if items.count >= 2 { name = String(items[1]) }
        if items.count >= 1 { resource = String(items[0]) }
        if verb == "proxy" {
            proxyPath = items.dropFirst(2).map(String.init)
        } else if subresource == "proxy" {
            proxyPath = items.dropFirst(3).map(String.init)
        }

        // A get without a name is a list, or a watch when it asks to be one;
        // a field selector on `metadata.name` names its object, as for the API server's RBAC.
        if name.isEmpty, verb == "get" {
            verb = self.query.flag("watch") ? "watch" : "list"
            if let selector = self.query.first("fieldSelector"), let selected = Self.exactName(selector) { name = selected }
        }
        if name.isEmpty, verb == "delete" { verb = "deletecollection" }
    }

    /// The name a field selector requires exactly (`metadata.name=db`,
    /// `metadata.name==db`), as `fields.Selector.RequiresExactMatch` reads
    /// it: terms apart at commas, `\\` escaping `,`, `=`, `!` and itself; a
    /// name that could not name an object (`/`, `%`, `.`, `..`) names none.
    static func exactName(_ selector: String) -> String? {
        var terms: [String] = [], term = "", escaped = false
        for character in selector {
            if escaped {
                term.append("\\"); term.append(character); escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == "," {
                terms.append(term); term = ""
            } else {
                term.append(character)
            }
        }
        terms.append(term)
        for term in terms {
            for op in ["!=", "==", "="] {
                guard let range = Self.unescapedRange(of: op, in: term) else { continue }
                guard op != "!=" else { break }
                let key = String(term[..<range.lowerBound]).trimmingCharacters(in: " ")
                guard key == "metadata.name" else { break }
                let value = Self.unescape(String(term[range.upperBound...])).trimmingCharacters(in: " ")
                guard !value.isEmpty, value != ".", value != "..", !value.contains("/"), !value.contains("%") else { return nil }
                return value
            }
        }
        return nil
    }

    private static func unescapedRange(of op: String, in term: String) -> Range<String.Index>? {
        var search = term.startIndex
        while let range = term.range(of: op, range: search..<term.endIndex) {
            let before = term[..<range.lowerBound]
            if before.reversed().prefix(while: { $0 == "\\" }).count % 2 == 0 { return range }
            search = range.upperBound
        }
        return nil
    }

    private static func unescape(_ text: String) -> String {
        var out = "", escaped = false
        for character in text {
            if escaped { out.append(character); escaped = false } else if character == "\\" { escaped = true } else { out.append(character) }
        }
        return out
    }

    /// `dryRun=All`: the API server validates and answers, and stores nothing.
    /// Only `All` is a valid value; the API server refuses any other.
    public var isDryRun: Bool {
        let values = query.values("dryRun")
        return !values.isEmpty && values.allSatisfy { $0 == "All" }
    }

    /// The container an exec, attach or log request names, if any.
    public var container: String? { query.first("container") }

    /// The ports a WebSocket port-forward asks for (`ports=80,443` or repeated), in order.
    public var ports: [String] {
        query.values("ports").flatMap { $0.split(separator: ",").map { String($0) } }
    }

    /// An exec's command, each argument as given.
    public var command: [String] { query.values("command") }
}
