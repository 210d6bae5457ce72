import Foundation
import NIOHTTP1
import Testing
import WardenHTTPCore
import WardenPluginSDK

@testable import WardenKubernetesCore

@Suite("Kubernetes dialect")
struct KubernetesDialectTests {
    let dialect = KubernetesDialect()

    private func action(_ method: HTTPMethod, _ uri: String, excerpt: String? = nil) throws -> Action {
        let head = HTTPRequestHead(version: .http1_1, method: method, uri: uri, headers: ["Host": "kube"])
        return try dialect.action(for: head, target: try RequestTarget(uri), excerpt: excerpt)
    }

    private func attribute(_ action: Action, _ key: String) -> String? {
        action.attributes.first { $0.key == key }?.value
    }

    @Test func classesAndRisks() throws {
        let cases: [(HTTPMethod, String, Action.Classification, Action.Risk)] = [
            (.GET, "/api/v1/namespaces/prod/pods", .read, .low),
            (.GET, "/api/v1/namespaces/prod/secrets/db", .read, .high),
            (.GET, "/api/v1/secrets?watch=true", .read, .high),
            (.POST, "/api/v1/namespaces/prod/configmaps", .write, .medium),
            (.POST, "/api/v1/namespaces/prod/configmaps?dryRun=All", .write, .low),
            (.PUT, "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/admin", .write, .high),
            (.POST, "/api/v1/namespaces/prod/serviceaccounts/default/token", .write, .high),
            (.DELETE, "/api/v1/namespaces/prod/pods/web", .delete, .high),
            (.DELETE, "/api/v1/namespaces/prod/pods/web?dryRun=All", .delete, .low),
            (.DELETE, "/api/v1/namespaces/prod/pods", .delete, .critical),
            (.DELETE, "/api/v1/namespaces/prod", .delete, .critical),
            (.DELETE, "/api/v1/nodes/n1", .delete, .critical),
            (.DELETE, "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/w.example.com", .delete, .critical),
            (.POST, "/api/v1/namespaces/prod/pods/web/exec?command=sh", .exec, .critical),
            (.GET, "/api/v1/namespaces/prod/pods/web/exec?command=sh", .exec, .critical),
            (.POST, "/api/v1/namespaces/prod/pods/web/attach", .exec, .critical),
            (.POST, "/api/v1/namespaces/prod/pods/web/portforward", .exec, .critical),
            (.GET, "/api/v1/namespaces/prod/services/web/proxy/", .exec, .critical),
            (.GET, "/version", .read, .low),
            (.OPTIONS, "/api/v1/pods", .unknown, .critical),
        ]
        for (method, uri, classification, risk) in cases {
            let action = try action(method, uri)
            #expect(action.kind == .kubernetes)
            #expect(action.classification == classification, "\(method) \(uri)")
            #expect(action.risk == risk, "\(method) \(uri)")
        }
    }

    @Test func textTargetsAndAttributes() throws {
        let delete = try action(.DELETE, "/api/v1/namespaces/prod")
        #expect(delete.text == "delete namespaces/prod")
        #expect(delete.targets == ["namespaces/prod"])
        #expect(attribute(delete, "verb") == "delete" && attribute(delete, "resource") == "namespaces")
        #expect(attribute(delete, "name") == "prod" && attribute(delete, "command") == "delete")

        let exec = try action(.POST, "/api/v1/namespaces/prod/pods/web/exec?command=sh&command=-c&command=exit%203&container=app")
        #expect(exec.text == "exec pods/web -n prod -- sh -c exit 3")
        #expect(attribute(exec, "exec_command") == "sh -c exit 3" && attribute(exec, "container") == "app")
        #expect(attribute(exec, "subresource") == "exec" && attribute(exec, "namespace") == "prod")

        let scale = try action(.PATCH, "/apis/apps/v1/namespaces/prod/deployments/web/scale")
        #expect(scale.text == "patch deployments.apps/web/scale -n prod")
        #expect(attribute(scale, "group") == "apps" && attribute(scale, "version") == "v1")
        #expect(try action(.GET, "/api/v1/pods").text == "list pods")
    }

    @Test func aSecretsBodyStaysOutOfTheAction() throws {
        let secret = try action(.POST, "/api/v1/namespaces/prod/secrets", excerpt: #"{"data":{"password":"aHVudGVyMg=="}}"#)
        #expect(attribute(secret, "body") == nil)
        let map = try action(.POST, "/api/v1/namespaces/prod/configmaps", excerpt: #"{"data":{"a":"b"}}"#)
        #expect(attribute(map, "body") != nil)
    }

    @Test func impersonationIsTheGatewaysAlone() {
        for name in ["Impersonate-User", "impersonate-group", "IMPERSONATE_USER", "Impersonate-Extra-scopes", "Impersonate-Uid"] {
            let head = HTTPRequestHead(version: .http1_1, method: .GET, uri: "/api/v1/pods", headers: ["Host": "kube", name: "system:admin"])
            #expect(dialect.refusal(of: head, subject: "alice") != nil, "\(name)")
            #expect(dialect.ownsHeader(HeaderName.canonical(name)))
        }
        // Discovery with --as: the header is removed, not refused, so that kubectl reaches the refused request.
        let discovery = HTTPRequestHead(version: .http1_1, method: .GET, uri: "/apis", headers: ["Host": "kube", "Impersonate-User": "bob"])
        #expect(dialect.refusal(of: discovery, subject: "alice") == nil)
        let post = HTTPRequestHead(version: .http1_1, method: .POST, uri: "/apis", headers: ["Host": "kube", "Impersonate-User": "bob"])
        #expect(dialect.refusal(of: post, subject: "alice") != nil)
        let plain = HTTPRequestHead(version: .http1_1, method: .GET, uri: "/api/v1/pods", headers: ["Host": "kube"])
        #expect(dialect.refusal(of: plain, subject: "alice") == nil)
        #expect(dialect.refusal(of: plain, subject: "system:kube-controller-manager") != nil)
    }

    @Test func reservedGroupsAreNeverAsserted() {
        let headers = dialect.identityHeaders(subject: "alice", groups: ["dev", "system:masters", "ops"])
        #expect(headers.map { "\($0.0): \($0.1)" } == ["Impersonate-User: alice", "Impersonate-Group: dev", "Impersonate-Group: ops"])
        let prefixed = KubernetesDialect(options: ["impersonate_group_prefix": "oidc:"]).identityHeaders(subject: "alice", groups: ["dev"])
        #expect(prefixed.map { "\($0.0): \($0.1)" } == ["Impersonate-User: alice", "Impersonate-Group: oidc:dev"])
    }

    @Test func answersAreStatusObjects() throws {
        let bytes = dialect.answer(status: 403, detail: "delete namespaces/prod: \"prod\" is protected", close: false, headers: [])
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.hasPrefix("HTTP/1.1 403 Forbidden\r\n"))
        let body = try #require(text.range(of: "\r\n\r\n")).upperBound
        let status = try #require(try JSONSerialization.jsonObject(with: Data(text[body...].utf8)) as? [String: Any])
        #expect(status["kind"] as? String == "Status" && status["reason"] as? String == "Forbidden")
        #expect(status["code"] as? Int == 403 && status["message"] as? String == "delete namespaces/prod: \"prod\" is protected")
    }

    // MARK: Red team, Kubernetes round 1

    /// A watch of Secrets upgraded to WebSocket passed unmasked: only exec,
    /// attach and port-forward may switch protocols.
    @Test func onlyStreamsMaySwitchProtocols() {
        func upgrade(_ method: HTTPMethod, _ uri: String, _ protocolName: String = "websocket") -> HTTPRequestHead {
            HTTPRequestHead(version: .http1_1, method: method, uri: uri, headers: [
                "Host": "kube", "Connection": "Upgrade", "Upgrade": protocolName,
            ])
        }
        #expect(dialect.refusal(of: upgrade(.GET, "/api/v1/secrets?watch=1"), subject: "alice") != nil)
        #expect(dialect.refusal(of: upgrade(.GET, "/api/v1/namespaces/dev/services/web/proxy/"), subject: "alice") != nil)
        #expect(dialect.refusal(of: upgrade(.GET, "/api/v1/namespaces/dev/pods/web/exec?command=sh"), subject: "alice") == nil)
        #expect(dialect.refusal(of: upgrade(.POST, "/api/v1/namespaces/dev/pods/web/portforward", "SPDY/3.1"), subject: "alice") == nil)
    }

    /// JSON Patch's copy moved a Secret's value into an annotation.
    @Test func jsonPatchOnSecretsIsRefused() {
        func patch(_ uri: String, _ type: String) -> HTTPRequestHead {
            HTTPRequestHead(version: .http1_1, method: .PATCH, uri: uri, headers: ["Host": "kube", "Content-Type": type])
        }
        #expect(dialect.refusal(of: patch("/api/v1/namespaces/prod/secrets/db?dryRun=All", "application/json-patch+json"), subject: "a") != nil)
        #expect(dialect.refusal(of: patch("/api/v1/namespaces/prod/secrets/db", "application/strategic-merge-patch+json"), subject: "a") == nil)
        #expect(dialect.refusal(of: patch("/api/v1/namespaces/prod/configmaps/c", "application/json-patch+json"), subject: "a") == nil)
    }

    /// A leading tab carried `system:masters` past the check: Go trims it.
    @Test func claimsAreCheckedAsTheAPIServerReadsThem() {
        let headers = dialect.identityHeaders(subject: "vic", groups: ["viewers", "\tsystem:masters", " system:masters", "ops "])
        #expect(headers.map { "\($0.0): \($0.1)" } == ["Impersonate-User: vic", "Impersonate-Group: viewers", "Impersonate-Group: ops"])
        let plain = HTTPRequestHead(version: .http1_1, method: .GET, uri: "/api/v1/pods", headers: ["Host": "kube"])
        #expect(dialect.refusal(of: plain, subject: " system:kube-controller-manager") != nil)
        #expect(dialect.refusal(of: plain, subject: "\u{7F}system:admin") != nil)
    }

    /// A grant for an exec in staging covered prod's pod of the same name;
    /// lists across namespaces, node proxies and field selectors slipped
    /// past rules on namespaces and names.
    @Test func namespacesAndNamesAsRulesNeedThem() throws {
        let exec = try action(.POST, "/api/v1/namespaces/staging/pods/web/exec?command=sh")
        #expect(exec.targets == ["staging/pods/web"])
        let all = try action(.GET, "/api/v1/secrets")
        #expect(attribute(all, "namespace") == "*" && all.targets == ["*/secrets"])
        #expect(attribute(try action(.GET, "/api/v1/nodes"), "namespace") == nil)
        #expect(attribute(try action(.GET, "/apis/example.com/v1/widgets"), "namespace") == "*")
        let nodeExec = try action(.POST, "/api/v1/nodes/n1/proxy/exec/prod/web/app?command=id")
        #expect(attribute(nodeExec, "namespace") == "prod" && nodeExec.classification == .exec)
        #expect(attribute(nodeExec, "proxy_path") == "/exec/prod/web/app")
        #expect(attribute(try action(.GET, "/api/v1/nodes/n1/proxy/pods"), "namespace") == "*")
        let selected = try action(.GET, "/api/v1/namespaces/dev/configmaps?fieldSelector=metadata.name%3Dlocked")
        #expect(attribute(selected, "name") == "locked")
        #expect(KubernetesRequest.exactName("metadata.name==a,metadata.namespace=dev") == "a")
        #expect(KubernetesRequest.exactName("metadata.namespace=dev, metadata.name = b") == "b")
        #expect(KubernetesRequest.exactName("metadata.name!=a") == nil)
        #expect(KubernetesRequest.exactName(#"spec.x=a\,metadata.name=b"#) == nil)
        #expect(KubernetesRequest.exactName("metadata.name=a/b") == nil)
    }

    // MARK: Red team, Kubernetes round 2

    /// A window approved for one kubelet path covered every path and method
    /// of the node proxy (`/run` executes commands).
    @Test func aProxysTargetAndCommandNameItsPathAndMethod() throws {
        let logs = try action(.GET, "/api/v1/nodes/n1/proxy/containerLogs/prod/web/app")
        let run = try action(.POST, "/api/v1/nodes/n1/proxy/run/prod/db-0/app?cmd=id")
        #expect(logs.targets == ["prod/nodes/n1/proxy/containerLogs/prod/web/app"])
        #expect(run.targets == ["prod/nodes/n1/proxy/run/prod/db-0/app"])
        #expect(attribute(logs, "command") == "proxy GET" && attribute(run, "command") == "proxy POST")
    }

    /// A rule on names missed lists, watches, deletecollections and creates,
    /// which reach objects by no name in the path.
    @Test func requestsWithoutANameReachEveryName() throws {
        #expect(attribute(try action(.GET, "/api/v1/namespaces/dev/configmaps"), "name") == "*")
        #expect(attribute(try action(.GET, "/api/v1/namespaces/dev/configmaps?watch=1"), "name") == "*")
        #expect(attribute(try action(.DELETE, "/api/v1/namespaces/dev/configmaps?fieldSelector=metadata.name%3Dlocked"), "name") == "*")
        #expect(attribute(try action(.POST, "/api/v1/namespaces/dev/configmaps"), "name") == "*")
        #expect(attribute(try action(.GET, "/api/v1/namespaces/dev/configmaps/other"), "name") == "other")
        #expect(attribute(try action(.GET, "/version"), "name") == nil)
    }

    /// A namespaced custom resource named like a cluster-scoped built-in.
    @Test func clusterScopeGoesByGroupAndResource() throws {
        #expect(attribute(try action(.GET, "/apis/ipam.cluster.x-k8s.io/v1beta1/ipaddresses"), "namespace") == "*")
        #expect(attribute(try action(.GET, "/apis/networking.k8s.io/v1beta1/ipaddresses"), "namespace") == nil)
        #expect(attribute(try action(.GET, "/api/v1/nodes"), "namespace") == nil)
    }

    @Test func aBlankSubjectIsRefused() {
        let plain = HTTPRequestHead(version: .http1_1, method: .GET, uri: "/api/v1/pods", headers: ["Host": "kube"])
        #expect(dialect.refusal(of: plain, subject: "\t") != nil)
    }
}

extension KubernetesDialect {
    /// The refusal of a head whose target is read from its URI, as the proxy reads it.
    func refusal(of head: HTTPRequestHead, subject: String) -> String? {
        guard let target = try? RequestTarget(head.uri) else { return "unreadable target" }
        return refusal(of: head, target: target, subject: subject)
    }
}
