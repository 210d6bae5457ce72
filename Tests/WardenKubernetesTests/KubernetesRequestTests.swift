import NIOHTTP1
import Testing
import WardenHTTPCore
import WardenPluginSDK

@testable import WardenKubernetesCore

/// Paths as kubectl, client-go and the Python client send them, read as the
/// API server's RequestInfoFactory reads them.
@Suite("Kubernetes request resolver")
struct KubernetesRequestTests {
    struct Case: CustomTestStringConvertible {
        var method: String
        var uri: String
        /// verb resource[.group] name ns subresource, "-" for empty; "nonresource VERB" otherwise.
        var expected: String
        var testDescription: String { "\(method) \(uri)" }
    }

    static let cases: [Case] = [
        // Discovery and other non-resource paths (kubectl's first requests).
        Case(method: "GET", uri: "/api?timeout=32s", expected: "nonresource get"),
        Case(method: "GET", uri: "/apis?timeout=32s", expected: "nonresource get"),
        Case(method: "GET", uri: "/api/v1?timeout=32s", expected: "nonresource get"),
        Case(method: "GET", uri: "/apis/apps/v1?timeout=32s", expected: "nonresource get"),
        Case(method: "GET", uri: "/version", expected: "nonresource get"),
        Case(method: "GET", uri: "/openapi/v2", expected: "nonresource get"),
        Case(method: "POST", uri: "/apis/v1/secrets", expected: "nonresource post"),
        // kubectl get pods -A, get pods -n prod, get pod web
        Case(method: "GET", uri: "/api/v1/pods?limit=500", expected: "list pods - - -"),
        Case(method: "GET", uri: "/api/v1/namespaces/prod/pods?limit=500", expected: "list pods - prod -"),
        Case(method: "GET", uri: "/api/v1/namespaces/prod/pods/web", expected: "get pods web prod -"),
        Case(method: "HEAD", uri: "/api/v1/namespaces/prod/pods/web", expected: "get pods web prod -"),
        // kubectl get pods -w: a watch by query, every spelling the API server reads as true
        Case(method: "GET", uri: "/api/v1/namespaces/prod/pods?resourceVersion=42&watch=true", expected: "watch pods - prod -"),
        Case(method: "GET", uri: "/api/v1/namespaces/prod/pods?watch=1", expected: "watch pods - prod -"),
        Case(method: "GET", uri: "/api/v1/namespaces/prod/pods?watch=", expected: "watch pods - prod -"),
        Case(method: "GET", uri: "/api/v1/namespaces/prod/pods?watch", expected: "watch pods - prod -"),
        Case(method: "GET", uri: "/api/v1/namespaces/prod/pods?watch=yes", expected: "watch pods - prod -"),
        Case(method: "GET", uri: "/api/v1/namespaces/prod/pods?watch=false", expected: "list pods - prod -"),
        Case(method: "GET", uri: "/api/v1/namespaces/prod/pods?watch=FaLsE", expected: "list pods - prod -"),
        Case(method: "GET", uri: "/api/v1/namespaces/prod/pods?watch=0", expected: "list pods - prod -"),
        Case(method: "GET", uri: "/api/v1/namespaces/prod/pods?watch=false&watch=true", expected: "list pods - prod -"),
        Case(method: "GET", uri: "/api/v1/namespaces/prod/pods?wat%63h=tru%65", expected: "watch pods - prod -"),
        Case(method: "GET", uri: "/api/v1/namespaces/prod/pods?Watch=true", expected: "list pods - prod -"),
        // ... and the old way, in the path
        Case(method: "GET", uri: "/api/v1/watch/namespaces/prod/pods", expected: "watch pods - prod -"),
        Case(method: "GET", uri: "/api/v1/watch/pods", expected: "watch pods - - -"),
        Case(method: "GET", uri: "/api/v1/watch/namespaces/prod/pods/web", expected: "watch pods web prod -"),
        // logs, exec, attach, port-forward (POST for SPDY, GET for WebSocket)
        Case(method: "GET", uri: "/api/v1/namespaces/prod/pods/web/log?container=app&follow=true", expected: "get pods web prod log"),
        Case(method: "POST", uri: "/api/v1/namespaces/prod/pods/web/exec?command=sh&command=-c&command=exit+3&container=app&stdin=true&stdout=true&stderr=true",
             expected: "exec pods web prod exec"),
        Case(method: "GET", uri: "/api/v1/namespaces/prod/pods/web/exec?command=date&stdout=true", expected: "exec pods web prod exec"),
        Case(method: "POST", uri: "/api/v1/namespaces/prod/pods/web/attach?container=app&stdin=true&stdout=true", expected: "attach pods web prod attach"),
        Case(method: "POST", uri: "/api/v1/namespaces/prod/pods/web/portforward", expected: "portforward pods web prod portforward"),
        Case(method: "GET", uri: "/api/v1/namespaces/prod/services/web:80/proxy/healthz", expected: "proxy services web:80 prod proxy"),
        Case(method: "GET", uri: "/api/v1/nodes/n1/proxy/metrics", expected: "proxy nodes n1 - proxy"),
        // the old proxy verb in the path has no subresource
        Case(method: "GET", uri: "/api/v1/proxy/namespaces/prod/services/web/healthz", expected: "proxy services web prod -"),
        // namespaces themselves, and their own subresources
        Case(method: "DELETE", uri: "/api/v1/namespaces/prod", expected: "delete namespaces prod prod -"),
        Case(method: "GET", uri: "/api/v1/namespaces/prod", expected: "get namespaces prod prod -"),
        Case(method: "GET", uri: "/api/v1/namespaces", expected: "list namespaces - - -"),
        Case(method: "PUT", uri: "/api/v1/namespaces/prod/finalize", expected: "update namespaces prod prod finalize"),
        Case(method: "GET", uri: "/api/v1/namespaces/prod/status", expected: "get namespaces prod prod status"),
        Case(method: "DELETE", uri: "/api/v1/namespaces/prod/pods", expected: "deletecollection pods - prod -"),
        Case(method: "DELETE", uri: "/api/v1/namespaces/prod/pods/web?gracePeriodSeconds=0", expected: "delete pods web prod -"),
        // named groups, writes, cluster-scoped resources
        Case(method: "POST", uri: "/apis/apps/v1/namespaces/prod/deployments?fieldManager=kubectl-client-side-apply",
             expected: "create deployments.apps - prod -"),
        Case(method: "PATCH", uri: "/apis/apps/v1/namespaces/prod/deployments/web/scale", expected: "patch deployments.apps web prod scale"),
        Case(method: "PUT", uri: "/apis/apps/v1/namespaces/prod/deployments/web", expected: "update deployments.apps web prod -"),
        Case(method: "DELETE", uri: "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com",
             expected: "delete customresourcedefinitions.apiextensions.k8s.io widgets.example.com - -"),
        Case(method: "GET", uri: "/apis/example.com/v1/namespaces/prod/widgets/w1", expected: "get widgets.example.com w1 prod -"),
        Case(method: "GET", uri: "/api/v1/nodes/n1", expected: "get nodes n1 - -"),
        Case(method: "POST", uri: "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
             expected: "create selfsubjectaccessreviews.authorization.k8s.io - - -"),
        Case(method: "OPTIONS", uri: "/api/v1/pods", expected: "- pods - - -"),
    ]

    @Test(arguments: cases)
    func resolves(_ testCase: Case) throws {
        let target = try RequestTarget(testCase.uri)
        let request = try KubernetesRequest(method: testCase.method, path: target.path, query: target.query)
        let action = KubernetesAction(request)
        let described: String
        if !request.isResourceRequest {
            described = "nonresource \(request.verb)"
        } else {
            described = [action.verb, action.qualifiedResource, request.name, request.namespace, request.subresource]
                .map { $0.isEmpty ? "-" : $0 }.joined(separator: " ")
        }
        #expect(described == testCase.expected)
    }

    @Test func percentEscapesInThePathNameWhatTheAPIServerReads() throws {
        // The API server reads URL.Path, decoded: so do rules, and the upstream gets the decoded form re-encoded.
        let target = try RequestTarget("/api/v1/namespaces/pr%6Fd/pods/../../pr%6fd")
        let request = try KubernetesRequest(method: "DELETE", path: target.path, query: target.query)
        #expect(request.resource == "namespaces" && request.name == "prod" && request.verb == "delete")
    }

    @Test func whatTheAPIServerCannotResolveIsRefused() {
        #expect(throws: HTTPInputError.self) { try KubernetesRequest(method: "GET", path: "/api/v1/watch", query: nil) }
        #expect(throws: HTTPInputError.self) { try KubernetesRequest(method: "GET", path: "/api/v1/pods", query: "watch=true;x=1") }
        #expect(throws: HTTPInputError.self) { try KubernetesRequest(method: "GET", path: "/api/v1/pods", query: "watch=%zz") }
    }

    @Test func dryRunIsOnlyAllAndEveryValueOfIt() throws {
        func dry(_ query: String) throws -> Bool {
            try KubernetesRequest(method: "DELETE", path: "/api/v1/namespaces/prod", query: query).isDryRun
        }
        #expect(try dry("dryRun=All"))
        #expect(try dry("dryRun=All&dryRun=All"))
        #expect(try !dry("dryRun=all"))
        #expect(try !dry("dryRun=All&dryRun="))
        #expect(try !dry("dryrun=All"))
        #expect(try !dry("gracePeriodSeconds=0"))
    }
}
