import Foundation

extension ConnectionPolicy {
    static let classNames = ["read", "write", "ddl", "dcl", "admin", "transaction", "unknown"]

    /// Reads `rules`, `default` and `approvals` from a connection's section.
    init(_ connection: ConfigNode) throws {
        let rules = try connection.child("rules").elements().map(PolicyRule.init)
        let defaultAction = RuleAction(rawValue: try connection.child("default").oneOf(
            RuleAction.allCases.map(\.rawValue), default: RuleAction.allow.rawValue)) ?? .deny
        let approvalsNode = try connection.child("approvals")
        let approvals = approvalsNode.isMissing ? nil : try ApprovalSettings(approvalsNode)
        if approvals == nil {
            // An approve rule nobody can answer would hold every matching
            // statement until it times out: refuse it at load.
            if let index = rules.firstIndex(where: { $0.action == .approve }) {
                throw try connection.child("rules").elements()[index].child("action")
                    .error("says approve, but this connection has no approvals.approvers to ask")
            }
            if defaultAction == .approve {
                throw try connection.child("default").error("is approve, but this connection has no approvals.approvers to ask")
            }
        }
        self.init(rules: rules, defaultAction: defaultAction, approvals: approvals)
    }
}

extension PolicyRule {
    init(_ node: ConfigNode) throws {
        try node.checkKeys(["match", "action", "reason"])
        let matchNode = try node.child("match")
        guard !matchNode.isMissing else {
            throw matchNode.error("is required; write `match: {}` for a rule that matches everything")
        }
        let actionNode = try node.child("action")
        guard !actionNode.isMissing else { throw actionNode.error("is required: allow, deny or approve") }
        self.init(
            match: try RuleMatch(matchNode),
            action: RuleAction(rawValue: try actionNode.oneOf(RuleAction.allCases.map(\.rawValue), default: "")) ?? .deny,
            reason: try node.child("reason").optionalString())
    }
}

extension RuleMatch {
    init(_ node: ConfigNode) throws {
        try node.checkKeys(["class", "risk", "tables", "pattern"])
        var classes: Set<String>?
        let classNode = try node.child("class")
        if !classNode.isMissing {
            let names = try classNode.stringOrStrings()
            for name in names where !ConnectionPolicy.classNames.contains(name) {
                throw classNode.error("unknown class '\(name)'; expected some of: \(ConnectionPolicy.classNames.joined(separator: ", "))")
            }
            classes = Set(names)
        }
        var risk: RiskLevel?
        let riskNode = try node.child("risk")
        if let name = try riskNode.optionalString() {
            guard let level = RiskLevel(name: name) else {
                throw riskNode.error("expected one of low, medium, high, critical, found '\(name)'")
            }
            risk = level
        }
        let tablesNode = try node.child("tables")
        let tables = tablesNode.isMissing ? nil : Set(try tablesNode.stringOrStrings())
        var pattern: NSRegularExpression?
        let patternNode = try node.child("pattern")
        if let text = try patternNode.optionalString() {
            do {
                pattern = try NSRegularExpression(pattern: text, options: [.caseInsensitive])
            } catch {
                throw patternNode.error("is not a valid regular expression: '\(text)'")
            }
        }
        self.init(classes: classes, risk: risk, tables: tables, pattern: pattern)
    }
}

extension ApprovalSettings {
    init(_ node: ConfigNode) throws {
        try node.checkKeys(["approvers", "timeout", "webhook", "max_grant"])
        let approvers = try node.child("approvers").stringOrStrings()
        guard !approvers.isEmpty else { throw try node.child("approvers").error("list at least one group that may approve") }
        let timeout = try node.child("timeout").duration(default: .seconds(300))
        let maxGrant = try node.child("max_grant").duration(default: ApprovalSettings.defaultMaxGrant)
        var webhook: URL?
        let webhookNode = try node.child("webhook")
        if let text = try webhookNode.optionalString() {
            guard let url = URL(string: text), ["http", "https"].contains(url.scheme ?? ""), url.host != nil else {
                throw webhookNode.error("expected an http or https URL, found '\(text)'")
            }
            webhook = url
        }
        self.init(approvers: approvers, timeout: timeout, webhook: webhook, maxGrant: maxGrant)
    }
}

extension ConfigNode {
    /// A list of strings, or one string standing for a list of one.
    func stringOrStrings() throws -> [String] {
        if case .scalar = node { return [try string()] }
        return try strings()
    }
}
