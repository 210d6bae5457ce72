import Foundation
import Testing
@testable import WardenCore

/// The rules engine: the first matching rule decides, else the default.
@Suite struct ConnectionPolicyTests {
    /// The rules of the policy issue's acceptance checks.
    static let yaml = """
        listeners:
          - { name: pg, protocol: postgres, address: "127.0.0.1:6432" }
        identity: { dev_issuer: { enabled: true } }
        connections:
          - name: orders
            protocol: postgres
            upstream: { host: 127.0.0.1, port: 5432, user: app }
            allow_groups: [dba]
            rules:
              - { match: { class: [ddl, dcl, admin] }, action: deny, reason: "schema changes go through migrations" }
              - { match: { tables: [payments], class: [write] }, action: approve }
              - { match: { risk: high }, action: approve }
              - { match: { pattern: "pg_sleep" }, action: deny }
            default: allow
            approvals: { approvers: [dba], timeout: 5m, webhook: "http://127.0.0.1:9/hook" }
        admin: { address: 127.0.0.1:8081, groups: [security] }
        """

    static func policy() throws -> ConnectionPolicy {
        try WardenConfig.parse(yaml: yaml, file: "w.yaml").connections[0].policy
    }

    func input(_ className: String, _ risk: RiskLevel, _ targets: [String] = [], _ text: String = "") -> PolicyInput {
        PolicyInput(className: className, risk: risk, targets: targets, text: text)
    }

    @Test func theIssueRulesDecideAsTheySay() throws {
        let policy = try Self.policy()
        let drop = policy.evaluate(input("ddl", .high, ["orders"]))
        #expect(drop == PolicyVerdict(action: .deny, reason: "schema changes go through migrations", rule: 1))
        #expect(policy.evaluate(input("dcl", .critical)).action == .deny)
        #expect(policy.evaluate(input("write", .medium, ["public.payments"])).rule == 2)
        #expect(policy.evaluate(input("write", .medium, ["Payments"])).action == .approve)
        #expect(policy.evaluate(input("write", .high, ["orders"])).rule == 3)
        #expect(policy.evaluate(input("unknown", .critical)).rule == 3, "critical is at or above high")
        #expect(policy.evaluate(input("read", .low, [], "select pg_sleep(10)")).rule == 4)
        #expect(policy.evaluate(input("read", .low, [], "SELECT PG_SLEEP(10)")).action == .deny, "patterns ignore case")
        let select = policy.evaluate(input("read", .low, ["orders"], "select * from orders"))
        #expect(select == PolicyVerdict(action: .allow, reason: "allowed by default", rule: nil))
        #expect(policy.evaluate(input("write", .medium, ["orders"])).action == .allow)
    }

    @Test func approvalsAndAdminAreRead() throws {
        let config = try WardenConfig.parse(yaml: Self.yaml, file: "w.yaml")
        let approvals = try #require(config.connections[0].policy.approvals)
        #expect(approvals.approvers == ["dba"])
        #expect(approvals.timeout == .seconds(300))
        #expect(approvals.webhook?.absoluteString == "http://127.0.0.1:9/hook")
        #expect(approvals.maxGrant == .seconds(8 * 3600), "the default cap on approve --for")
        #expect(config.admin?.groups == ["security"])
        #expect(config.admin?.address.port == 8081)
    }

    @Test func aTableInAnotherSchemaIsOnlyMatchedByABareOrItsOwnQualifiedName() {
        let bare = RuleMatch(targets: ["payments"])
        #expect(bare.matches(input("write", .low, ["billing.payments"])))
        #expect(bare.matches(input("write", .low, ["orders.billing.Payments"])))
        let qualified = RuleMatch(targets: ["billing.payments"])
        #expect(qualified.matches(input("write", .low, ["billing.payments"])))
        #expect(qualified.matches(input("write", .low, ["orders.billing.payments"])), "a target may name its database")
        #expect(!qualified.matches(input("write", .low, ["public.payments"])))
        #expect(!qualified.matches(input("write", .low, ["billing.payments_archive"])))
    }

    /// The red team's: `SET search_path = billing` then `DELETE FROM payments`
    /// wrote billing.payments past a rule that named it qualified. A bare
    /// target may be any schema's, so a qualified rule matches it.
    @Test func aQualifiedRuleMatchesABareTargetThatSearchPathMayResolveToIt() {
        let qualified = RuleMatch(targets: ["billing.payments"])
        #expect(qualified.matches(input("write", .low, ["payments"])))
        #expect(qualified.matches(input("write", .low, ["PAYMENTS"])))
        #expect(!qualified.matches(input("write", .low, ["invoices"])))
    }

    @Test func aRuleWithoutConditionsMatchesEverything() {
        #expect(RuleMatch().matches(input("read", .low)))
    }

    @Test func withoutRulesEverythingIsAllowed() {
        #expect(ConnectionPolicy().evaluate(input("ddl", .critical)).action == .allow)
    }

    func error(_ replacing: String, with replacement: String) -> String {
        do {
            _ = try WardenConfig.parse(yaml: Self.yaml.replacingOccurrences(of: replacing, with: replacement), file: "w.yaml")
            return "no error"
        } catch {
            return "\(error)"
        }
    }

    @Test func mistakesNameTheKeyAndLine() {
        #expect(error("class: [ddl, dcl, admin]", with: "class: [ddl, drop]")
            == "w.yaml:10: connections[0].rules[0].match.class: unknown class 'drop'; a sql connection's actions have: read, write, ddl, dcl, admin, transaction, unknown")
        #expect(error("risk: high", with: "risk: severe")
            == "w.yaml:12: connections[0].rules[2].match.risk: expected one of low, medium, high, critical, found 'severe'")
        #expect(error("pattern: \"pg_sleep\"", with: "pattern: \"pg_sleep(\"").hasPrefix(
            "w.yaml:13: connections[0].rules[3].match.pattern: is not a valid regular expression"))
        #expect(error("action: deny, reason", with: "action: refuse, reason").hasPrefix(
            "w.yaml:10: connections[0].rules[0].action: expected one of allow, deny, approve, found 'refuse'"))
        #expect(error("timeout: 5m", with: "timeout: soon")
            == "w.yaml:15: connections[0].approvals.timeout: expected a duration such as 90s, 5m or 1h, from 1s to 36500d (100 years), found 'soon'")
        #expect(error("timeout: 5m", with: "timeout: 5m, max_grant: forever")
            == "w.yaml:15: connections[0].approvals.max_grant: expected a duration such as 90s, 5m or 1h, from 1s to 36500d (100 years), found 'forever'")
        #expect(error("timeout: 5m", with: "timeout: 99999999999999d").contains("approvals.timeout: expected a duration"))
        #expect(error("default: allow", with: "default: maybe").hasPrefix("w.yaml:14: connections[0].default: expected one of"))
        #expect(error("{ match: { pattern: \"pg_sleep\" }, action: deny }", with: "{ action: deny }")
            .contains("connections[0].rules[3].match: is required"))
    }

    /// Issue 11: rules match what every protocol can describe. A class or
    /// a kind the connection's actions never have is refused at load.
    @Test func rulesNameOnlyWhatTheConnectionsKindHas() {
        #expect(error("class: [ddl, dcl, admin]", with: "class: [delete]")
            == "w.yaml:10: connections[0].rules[0].match.class: unknown class 'delete'; a sql connection's actions have: read, write, ddl, dcl, admin, transaction, unknown")
        #expect(error("class: [ddl, dcl, admin]", with: "kind: http")
            == "w.yaml:10: connections[0].rules[0].match.kind: never matches: this connection's actions are of kind sql")
        #expect(error("class: [ddl, dcl, admin]", with: "kind: ftp").hasPrefix(
            "w.yaml:10: connections[0].rules[0].match.kind: unknown kind 'ftp'; expected some of: sql, http, kubernetes"))
        #expect(error("tables: [payments]", with: "tables: [payments], targets: [x]")
            == "w.yaml:11: connections[0].rules[1].match.tables: is another name for targets; give one of them")
        #expect(error("class: [ddl, dcl, admin]", with: "attributes: { command: [] }")
            == "w.yaml:10: connections[0].rules[0].match.attributes.command: list at least one value or pattern")
        let twice = error("class: [ddl, dcl, admin]", with: "attributes: { command: DROP, command: TRUNCATE }")
        #expect(twice.contains("duplicated key(s): 'command'"), "\(twice)")
        #expect(error("class: [ddl, dcl, admin]", with: "kind: sql, attributes: { command: [DROP, TRUNCATE] }") == "no error")
    }

    /// Issue 12: Kubernetes rules say `verbs`, `resources`, `namespaces`
    /// and `names`, which mean the attributes of those names; only on a
    /// Kubernetes connection.
    @Test func kubernetesRulesSpeakKubernetes() throws {
        let yaml = """
            listeners:
              - { name: kube, protocol: kubernetes, address: "127.0.0.1:6443", tls: { certificate: c.pem, key: k.pem } }
            identity: { dev_issuer: { enabled: true } }
            connections:
              - name: cluster
                protocol: kubernetes
                upstream: { url: "https://kube.internal:6443" }
                allow_groups: [dev]
                rules:
                  - { match: { verbs: [delete, deletecollection], resources: namespaces, names: "prod*" }, action: deny }
                  - { match: { class: exec, namespaces: [prod] }, action: deny }
                default: allow
            """
        let rules = try WardenConfig.parse(yaml: yaml, file: "w.yaml").connections[0].policy.rules
        func kube(_ verb: String, _ resource: String, _ name: String, namespace: String = "") -> PolicyInput {
            PolicyInput(kind: .kubernetes, className: verb == "exec" ? "exec" : "delete", risk: .critical, targets: [],
                        text: "\(verb) \(resource)/\(name)",
                        attributes: ["verb": verb, "resource": resource, "name": name, "namespace": namespace])
        }
        #expect(rules[0].match.matches(kube("delete", "namespaces", "prod-eu")))
        #expect(!rules[0].match.matches(kube("delete", "namespaces", "dev")))
        #expect(!rules[0].match.matches(kube("get", "namespaces", "prod")))
        #expect(rules[1].match.matches(kube("exec", "pods", "web", namespace: "prod")))
        #expect(!rules[1].match.matches(kube("exec", "pods", "web", namespace: "dev")))

        // A list across all namespaces reaches prod: a rule that denies or
        // holds there matches it; one that allows only where it says does not.
        let everywhere = kube("list", "secrets", "", namespace: PolicyInput.everyValue)
        #expect(rules[1].match.matches(PolicyInput(kind: .kubernetes, className: "exec", risk: .critical, targets: [], text: "",
                                                   attributes: ["namespace": "*"]), restricting: true))
        #expect(!rules[1].match.matches(PolicyInput(kind: .kubernetes, className: "exec", risk: .critical, targets: [], text: "",
                                                    attributes: ["namespace": "*"]), restricting: false))
        #expect(RuleMatch(attributes: ["namespace": [PathGlob("*")]]).matches(everywhere, restricting: false))

        let onSQL = error("class: [ddl, dcl, admin]", with: "verbs: [delete]")
        #expect(onSQL == "w.yaml:10: connections[0].rules[0].match.verbs: matches Kubernetes requests; this connection's actions are of kind sql", "\(onSQL)")
        let twice = try? WardenConfig.parse(
            yaml: yaml.replacingOccurrences(of: "names: \"prod*\" }", with: "names: \"prod*\", attributes: { name: x } }"), file: "w.yaml")
        #expect(twice == nil)
    }

    @Test func attributesAndTargetsMatchEveryKindInItsOwnTerms() {
        let admin = RuleMatch(kinds: [.http], classes: ["delete"],
                              attributes: ["method": [PathGlob("DELETE")], "path": [PathGlob("/admin/**")]])
        func http(_ method: String, _ path: String, kind: ActionKind? = .http) -> PolicyInput {
            PolicyInput(kind: kind, className: method == "DELETE" ? "delete" : "read", risk: .high, targets: [path],
                        text: "\(method) \(path)", attributes: ["method": method, "path": path])
        }
        #expect(admin.matches(http("DELETE", "/admin/users/7")))
        #expect(!admin.matches(http("DELETE", "/api/admin/users/7")))
        #expect(!admin.matches(http("GET", "/admin/users/7")))
        #expect(!admin.matches(http("DELETE", "/admin/users/7", kind: .kubernetes)), "another kind")
        #expect(!admin.matches(http("DELETE", "/admin/users/7", kind: nil)), "a kind this host does not know")
        let ssn = RuleMatch(targets: ["/users/*/ssn"])
        #expect(ssn.matches(http("GET", "/users/42/ssn")))
        #expect(!ssn.matches(http("GET", "/users/42/x/ssn")), "one star is one segment")
        #expect(!ssn.matches(http("GET", "/USERS/42/ssn")), "paths keep their letter case")
        let missing = RuleMatch(attributes: ["namespace": [PathGlob("prod-*")]])
        #expect(!missing.matches(http("GET", "/")), "an action without the attribute does not match")
    }

    @Test func pathGlobsMatchSegmentsAndEverything() {
        #expect(PathGlob("/admin/**").matches("/admin/"))
        #expect(PathGlob("/admin/**").matches("/admin/a/b/c"))
        #expect(!PathGlob("/admin/**").matches("/adminx"))
        #expect(PathGlob("/a/*/c").matches("/a//c"))
        #expect(PathGlob("*.json").matches("report.json") && !PathGlob("*.json").matches("a/report.json"))
        #expect(PathGlob("**.json").matches("a/report.json"))
        #expect(PathGlob("a*b*c*d").matches("aXbYcZd") && !PathGlob("a*b*c*d").matches("aXbYcZ"))
        // Many stars against a long value stay fast (no backtracking).
        #expect(!PathGlob(String(repeating: "*a", count: 50) + "b").matches(String(repeating: "a", count: 5_000)))
    }

    @Test func theLongestGrantIsConfiguredPerConnection() throws {
        let yaml = Self.yaml.replacingOccurrences(of: "timeout: 5m,", with: "timeout: 5m, max_grant: 30m,")
        let approvals = try #require(try WardenConfig.parse(yaml: yaml, file: "w.yaml").connections[0].policy.approvals)
        #expect(approvals.maxGrant == .seconds(1800))
    }

    @Test func anApproveRuleWithoutApproversIsRefused() {
        let message = error("approvals: { approvers: [dba], timeout: 5m, webhook: \"http://127.0.0.1:9/hook\" }", with: "")
        #expect(message == "w.yaml:11: connections[0].rules[1].action: says approve, but this connection has no approvals.approvers to ask")
    }

    @Test func theAdminAPIListensOnLoopbackOnly() {
        #expect(error("127.0.0.1:8081", with: "0.0.0.0:8081").contains("admin.address: the admin API serves plain HTTP and must listen on a loopback address"))
    }

    @Test func durationsAreWrittenAsPeopleWriteThem() {
        #expect(DurationText.format(.seconds(300)) == "5m")
        #expect(DurationText.format(.seconds(5400)) == "1h30m")
        #expect(DurationText.format(.seconds(1)) == "1s")
    }

    /// Red-team finding: `/admin/**` let `DELETE /admin` through.
    @Test func aDirectoryGlobMatchesTheDirectoryItself() {
        #expect(PathGlob("/admin/**").matches("/admin"))
        #expect(PathGlob("/users/*/**").matches("/users/7"))
        #expect(!PathGlob("/admin/**").matches("/administrator"))
        #expect(PathGlob("/admin/**").matches("/admin/x/y"))
    }
}
