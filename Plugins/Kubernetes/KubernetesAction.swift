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

    /// The namespace rules see: the request's, the one a kubelet path names
    /// (`nodes/n1/proxy/exec/prod/web/app` reaches into prod), or `*` for a
    /// request that reaches every namespace (a namespaced resource listed
    /// across all of them, a kubelet's node-wide endpoints), which a rule
    /// that denies or holds on any namespace matches.
    var namespace: String? {
        guard request.isResourceRequest else { return nil }
        if request.resource == "nodes", verb == "proxy" {
            let path = request.proxyPath
            if path.count >= 3, Self.kubeletPodEndpoints.contains(path[0]) { return path[1] }
            return PolicyInputEveryValue.value
        }
        if !request.namespace.isEmpty { return request.namespace }
        return Self.clusterScoped.contains("\(request.apiGroup)/\(request.resource)") ? nil : PolicyInputEveryValue.value
    }

    /// The name rules see: the request's, or `*` for one that reaches
    /// objects by no name (a list, a watch, a deletecollection, a create,
    /// whose name is in its body), which a rule that denies or holds on any
    /// name matches.
    var name: String? {
        guard request.isResourceRequest else { return nil }
        if !request.name.isEmpty { return request.name }
        return ["list", "watch", "deletecollection", "create"].contains(verb) ? PolicyInputEveryValue.value : nil
    }

    /// `prod/pods/web`, `namespaces/prod`, `*/secrets`: the namespace (when
    /// the resource lives in one), the resource and the name, and for a
    /// proxy the path it passes on (`prod/nodes/n1/proxy/containerLogs/prod/web/app`).
    /// An approval's time window covers the same targets only.
    var targets: [String] {
        guard request.isResourceRequest else { return [request.path] }
        var target = request.name.isEmpty ? qualifiedResource : "\(qualifiedResource)/\(request.name)"
        if let namespace, request.resource != "namespaces" { target = "\(namespace)/\(target)" }
        if verb == "proxy" { target += "/proxy/" + request.proxyPath.joined(separator: "/") }
        return [target]
    }

    /// The kubelet's endpoints below `/proxy/` that name a pod: `/exec/{namespace}/{pod}/{container}`, …
    private static let kubeletPodEndpoints: Set<String> = ["exec", "attach", "portForward", "run", "containerLogs"]

    /// Built-in resources that live in no namespace, as `group/resource`
    /// (a custom resource may share a plural with one): without one, a
    /// request for them reaches no namespace rather than all.
    private static let clusterScoped: Set<String> = [
        "/namespaces", "/nodes", "/persistentvolumes", "/componentstatuses",
        "rbac.authorization.k8s.io/clusterroles", "rbac.authorization.k8s.io/clusterrolebindings",
        "apiextensions.k8s.io/customresourcedefinitions", "apiregistration.k8s.io/apiservices",
        "storage.k8s.io/storageclasses", "storage.k8s.io/csidrivers", "storage.k8s.io/csinodes", "storage.k8s.io/volumeattachments",
        "scheduling.k8s.io/priorityclasses",
        "admissionregistration.k8s.io/mutatingwebhookconfigurations", "admissionregistration.k8s.io/validatingwebhookconfigurations",
        "admissionregistration.k8s.io/validatingadmissionpolicies", "admissionregistration.k8s.io/validatingadmissionpolicybindings",
        "certificates.k8s.io/certificatesigningrequests", "node.k8s.io/runtimeclasses",
        "networking.k8s.io/ingressclasses", "networking.k8s.io/ipaddresses", "networking.k8s.io/servicecidrs",
        "flowcontrol.apiserver.k8s.io/flowschemas", "flowcontrol.apiserver.k8s.io/prioritylevelconfigurations",
        "authentication.k8s.io/tokenreviews", "authentication.k8s.io/selfsubjectreviews",
        "authorization.k8s.io/subjectaccessreviews", "authorization.k8s.io/selfsubjectaccessreviews",
        "authorization.k8s.io/selfsubjectrulesreviews",
    ]

    var attributes: [(key: String, value: String)] {
        guard request.isResourceRequest else { return [("verb", request.verb), ("command", request.verb)] }
        var attributes: [(key: String, value: String)] = [
            ("verb", verb), ("resource", request.resource), ("group", request.apiGroup), ("version", request.apiVersion),
            // An approval's time window (`approve --for`) covers this verb only;
            // a proxy's, this method only (a window for reading logs must not run commands).
            ("command", verb == "proxy" ? "proxy \(request.method)" : verb),
        ]
        if !request.subresource.isEmpty { attributes.append(("subresource", request.subresource)) }
        if let namespace { attributes.append(("namespace", namespace)) }
        if !request.proxyPath.isEmpty { attributes.append(("proxy_path", "/" + request.proxyPath.joined(separator: "/"))) }
        if let name { attributes.append(("name", name)) }
        if let container = request.container { attributes.append(("container", container)) }
        if verb == "exec" { attributes.append(("exec_command", request.command.joined(separator: " "))) }
        if request.isDryRun { attributes.append(("dry_run", "All")) }
        return attributes
    }
}

/// What the host's policy reads as "every value" (`PolicyInput.everyValue`).
enum PolicyInputEveryValue {
    static let value = "*"
}
