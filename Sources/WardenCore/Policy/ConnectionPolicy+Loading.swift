import Foundation

extension ConnectionPolicy {
    /// Reads `rules`, `default` and `approvals` from a connection's section.
    init(_ connection: ConfigNode) throws {
        let kind = ActionKind(protocol: try connection.child("protocol").optionalString() ?? "")
        let rules = try connection.child("rules").elements().map { try PolicyRule($0, kind: kind) }
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
    /// - Parameter kind: the connection's kind of action, whose classes the
    ///   rule may name; nil for a protocol this host does not know.
    init(_ node: ConfigNode, kind: ActionKind?) throws {
        try node.checkKeys(["match", "action", "reason"])
        let matchNode = try node.child("match")
        guard !matchNode.isMissing else {
            throw matchNode.error("is required; write `match: {}` for a rule that matches everything")
        }
        let actionNode = try node.child("action")
        guard !actionNode.isMissing else { throw actionNode.error("is required: allow, deny or approve") }
        self.init(
            match: try RuleMatch(matchNode, kind: kind),
            action: RuleAction(rawValue: try actionNode.oneOf(RuleAction.allCases.map(\.rawValue), default: "")) ?? .deny,
            reason: try node.child("reason").optionalString())
    }
}

extension RuleMatch {
    init(_ node: ConfigNode, kind: ActionKind?) throws {
        try node.checkKeys(Set(["kind", "class", "risk", "targets", "tables", "attributes", "pattern"] + Self.kubernetesKeys.map(\.key)))
        let kinds = try Self.kinds(node.child("kind"), connectionKind: kind)
        var classes: Set<String>?
        let classNode = try node.child("class")
        if !classNode.isMissing {
            let names = try classNode.stringOrStrings()
            let known = kind?.classes ?? ActionKind.allCases.flatMap(\.classes)
            for name in names where !known.contains(name) {
                let whose = kind.map { "a \($0.rawValue) connection's actions have" } ?? "expected some of"
                throw classNode.error("unknown class '\(name)'; \(whose): \(Self.unique(known).joined(separator: ", "))")
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
        let targetsNode = try node.child("targets"), tablesNode = try node.child("tables")
        if !targetsNode.isMissing && !tablesNode.isMissing {
            throw tablesNode.error("is another name for targets; give one of them")
        }
        let targets = try [targetsNode, tablesNode].first { !$0.isMissing }.map { Set(try $0.stringOrStrings()) }
        var pattern: NSRegularExpression?
        let patternNode = try node.child("pattern")
        if let text = try patternNode.optionalString() {
            do {
                pattern = try NSRegularExpression(pattern: text, options: [.caseInsensitive])
            } catch {
                throw patternNode.error("is not a valid regular expression: '\(text)'")
            }
        }
        var attributes = try Self.attributes(node.child("attributes"))
        for (key, attribute) in Self.kubernetesKeys {
            let shorthand = try node.child(key)
            guard !shorthand.isMissing else { continue }
            guard kind == nil || kind == .kubernetes else {
                throw shorthand.error("matches Kubernetes requests; this connection's actions are of kind \(kind?.rawValue ?? "")")
            }
            guard attributes?[attribute] == nil else {
                throw shorthand.error("and attributes.\(attribute) say the same; give one of them")
            }
            let patterns = try shorthand.stringOrStrings()
            guard !patterns.isEmpty else { throw shorthand.error("list at least one value or pattern") }
            attributes = (attributes ?? [:]).merging([attribute: patterns.map(PathGlob.init)]) { $1 }
        }
        self.init(kinds: kinds, classes: classes, risk: risk, targets: targets, attributes: attributes, pattern: pattern)
    }

    /// `verbs: [delete]`, `resources`, `namespaces`, `names`: Kubernetes'
    /// own words for the attributes `verb`, `resource`, `namespace`, `name`.
    static let kubernetesKeys: KeyValuePairs<String, String> = [
        "verbs": "verb", "resources": "resource", "namespaces": "namespace", "names": "name",
    ]

    /// `kind: http` or `kind: [sql]`: a kind its connection's actions never
    /// have would make the rule match nothing.
    private static func kinds(_ node: ConfigNode, connectionKind: ActionKind?) throws -> Set<ActionKind>? {
        guard !node.isMissing else { return nil }
        var kinds = Set<ActionKind>()
        for name in try node.stringOrStrings() {
            guard let kind = ActionKind(rawValue: name) else {
                throw node.error("unknown kind '\(name)'; expected some of: \(ActionKind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            kinds.insert(kind)
        }
        if let connectionKind, !kinds.contains(connectionKind) {
            throw node.error("never matches: this connection's actions are of kind \(connectionKind.rawValue)")
        }
        return kinds
    }

    /// `attributes: { method: [DELETE, PUT], path: "/admin/**" }`: each key's
    /// value must match one of its patterns.
    private static func attributes(_ node: ConfigNode) throws -> [String: [PathGlob]]? {
        guard !node.isMissing else { return nil }
        var attributes: [String: [PathGlob]] = [:]
        for (key, value) in try node.mapping() {
            let patterns = try value.stringOrStrings()
            guard !patterns.isEmpty else { throw value.error("list at least one value or pattern") }
            attributes[key] = patterns.map(PathGlob.init)
        }
        return attributes
    }

    private static func unique(_ names: [String]) -> [String] {
        var seen = Set<String>()
        return names.filter { seen.insert($0).inserted }
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
