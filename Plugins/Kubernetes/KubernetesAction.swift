import WardenPluginSDK

/// How the policy sees a Kubernetes request: Warden's verb (the API
/// server's, or `exec`, `attach`, `portforward`, `proxy` for the
/// subresources that open a way into a pod or service), its class and
/// default risk, its text and targets, and the attributes rules match
/// (`verb`, `resource`, `namespace`, `name`, …).
struct KubernetesAction {
    let request: KubernetesRequest
    /// Warden's verb: the API server's, or the streaming subresource's name.
    let verb: String

    /// Subresources that reach into a running container, node or service.
    private static let streaming: Set<String> = ["exec", "attach", "portforward", "proxy"]
    /// Deleting one of these takes a great deal with it.
    private static let criticalDeletes: Set<String> = [
        "namespaces", "nodes", "customresourcedefinitions", "persistentvolumes",
    ]
    /// Writing these changes who may do what.
    private static let permissionResources: Set<String> = [
        "roles", "rolebindings", "clusterroles", "clusterrolebindings",
        "mutatingwebhookconfigurations", "validatingwebhookconfigurations",
    ]

    init(_ request: KubernetesRequest) {
        self.request = request
        if request.verb == "proxy" || Self.streaming.contains(request.subresource) {
            verb = request.subresource.isEmpty ? request.verb : request.subresource
        } else {
            verb = request.verb
        }
    }

    var classification: Action.Classification {
        guard request.isResourceRequest else {
            // Discovery, /version, /healthz, /openapi: reads when they are GETs.
            return ["get", "head"].contains(request.verb) ? .read : .unknown
        }
        switch verb {
        case "get", "list", "watch": return .read
        case "create", "update", "patch": return .write
        case "delete", "deletecollection": return .delete
        case "exec", "attach", "portforward", "proxy": return .exec
        default: return .unknown
        }
    }

    var risk: Action.Risk {
        let resource = request.resource
        switch classification {
        case .read:
            return holdsSecrets ? .high : .low
        case .write:
            if request.isDryRun { return .low }
            if Self.permissionResources.contains(resource) { return .high }
            // A service account's token: a credential minted for whoever asks.
            if resource == "serviceaccounts", request.subresource == "token" { return .high }
            return .medium
        case .delete:
            if request.isDryRun { return .low }
            return verb == "deletecollection" || Self.criticalDeletes.contains(resource) ? .critical : .high
        case .exec:
            return .critical
        default:
            return .critical
        }
    }

    /// Whether the request reads or writes Secret values: its body is kept
    /// out of records and approvals, and its response is masked.
    var holdsSecrets: Bool {
        request.isResourceRequest && request.resource == "secrets" && request.apiGroup.isEmpty
    }

    /// `pods` in the core group, `deployments.apps` in a named one, as kubectl writes them.
    var qualifiedResource: String {
        request.apiGroup.isEmpty ? request.resource : "\(request.resource).\(request.apiGroup)"
    }

    /// `delete namespaces/prod`, `list pods -n prod`, `exec pods/web -n prod -- sh -c date`, `GET /version`.
    var text: String {
        guard request.isResourceRequest else { return "\(request.verb.uppercased()) \(request.path)" }
        var text = "\(verb) \(qualifiedResource)"
        if !request.name.isEmpty { text += "/\(request.name)" }
        if !request.subresource.isEmpty, request.subresource != verb { text += "/\(request.subresource)" }
        if !request.namespace.isEmpty, !(request.resource == "namespaces" && request.name == request.namespace) {
            text += " -n \(request.namespace)"
        }
        if verb == "exec", !request.command.isEmpty { text += " -- " + request.command.joined(separator: " ") }
        if request.isDryRun { text += " (dry run)" }
        return text
    }

    /// `pods.apps/web`, `namespaces/prod`; a collection is its resource alone.
    var targets: [String] {
        guard request.isResourceRequest else { return [request.path] }
        return [request.name.isEmpty ? qualifiedResource : "\(qualifiedResource)/\(request.name)"]
    }

    var attributes: [(key: String, value: String)] {
        guard request.isResourceRequest else { return [("verb", request.verb), ("command", request.verb)] }
        var attributes: [(key: String, value: String)] = [
            ("verb", verb), ("resource", request.resource), ("group", request.apiGroup), ("version", request.apiVersion),
            // An approval's time window (`approve --for`) covers this verb only.
            ("command", verb),
        ]
        if !request.subresource.isEmpty { attributes.append(("subresource", request.subresource)) }
        if !request.namespace.isEmpty { attributes.append(("namespace", request.namespace)) }
        if !request.name.isEmpty { attributes.append(("name", request.name)) }
        if let container = request.container { attributes.append(("container", container)) }
        if verb == "exec" { attributes.append(("exec_command", request.command.joined(separator: " "))) }
        if request.isDryRun { attributes.append(("dry_run", "All")) }
        return attributes
    }
}
