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
}
