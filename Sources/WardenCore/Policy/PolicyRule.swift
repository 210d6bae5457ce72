import Foundation

/// What a rule, or a connection's default, does with an action.
public enum RuleAction: String, Sendable, CaseIterable {
    case allow
    case deny
    /// Hold the action until a human approves it.
    case approve
}

/// Risk levels in increasing order; a rule's `risk` matches at or above it.
public enum RiskLevel: Int, Sendable, Comparable, CaseIterable {
    case low = 1
    case medium
    case high
    case critical

    public init?(name: String) {
        guard let level = Self.allCases.first(where: { $0.name == name }) else { return nil }
        self = level
    }

    public var name: String {
        switch self {
        case .low: "low"
        case .medium: "medium"
        case .high: "high"
        case .critical: "critical"
        }
    }

    public static func < (lhs: RiskLevel, rhs: RiskLevel) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// The facts of one action that rules look at, whatever its protocol.
public struct PolicyInput: Sendable, Equatable {
    /// What kind of action it is; nil for a kind this host does not know.
    public var kind: ActionKind?
    /// One of the kind's classes (see ``ActionKind/classes``).
    public var className: String
    public var risk: RiskLevel
    /// Tables, paths or resources the action touches, as the plugin named them.
    public var targets: [String]
    /// The text rules' patterns run on: the plugin's normalized form when it gives one.
    public var text: String
    /// The protocol's command words (`UPDATE`, `DELETE`; `GET`): an approval's
    /// time window covers the same command only.
    public var command: String
    /// The plugin's explanation of the class and risk, shown to approvers.
    public var explanation: String?
    /// The protocol's own facts: `method` and `path` for HTTP; `verb`,
    /// `resource` and `namespace` for Kubernetes; `command` for SQL.
    public var attributes: [String: String]

    /// An attribute's value when the action reaches every value of it: a
    /// Kubernetes list across all namespaces, a node's kubelet.
    public static let everyValue = "*"

    public init(kind: ActionKind? = .sql, className: String, risk: RiskLevel, targets: [String], text: String,
                command: String = "", explanation: String? = nil, attributes: [String: String] = [:]) {
        self.kind = kind
        self.className = className
        self.risk = risk
        self.targets = targets
        self.text = text
        self.command = command
        self.explanation = explanation
        self.attributes = attributes
    }
}

/// The conditions of one rule; every condition given must hold. A rule with
/// none matches every action.
public struct RuleMatch: Sendable {
    public var kinds: Set<ActionKind>?
    public var classes: Set<String>?
    /// Matches actions at or above this risk.
    public var risk: RiskLevel?
    /// Matches when any target is one of these (`targets`, or `tables` for
    /// SQL). For SQL a bare name also matches the same table in any schema
    /// (`payments` matches `public.payments`), and a qualified one also
    /// matches the bare name, which `search_path` may resolve to it
    /// (`finance.payments` matches `payments`). Letter case is ignored, so a
    /// quoted `"Payments"` matches too: wider, never narrower. Other kinds'
    /// targets (paths, resources) are matched as ``PathGlob``s, exactly.
    public var targets: Set<String>?
    private var targetGlobs: [PathGlob]
    /// Each key's value must match one of its patterns (``PathGlob``s);
    /// an action without the key does not match.
    public var attributes: [String: [PathGlob]]?
    /// A regular expression searched for in the normalized text: the last
    /// resort, since text can be written in many ways.
    public var pattern: NSRegularExpression?

    public init(kinds: Set<ActionKind>? = nil, classes: Set<String>? = nil, risk: RiskLevel? = nil,
                targets: Set<String>? = nil, attributes: [String: [PathGlob]]? = nil,
                pattern: NSRegularExpression? = nil) {
        self.kinds = kinds
        self.classes = classes
        self.risk = risk
        self.targets = targets.map { Set($0.map { $0.lowercased() }) }
        self.targetGlobs = (targets ?? []).map(PathGlob.init)
        self.attributes = attributes
        self.pattern = pattern
    }

    /// `restricting`: the rule denies or holds. An attribute whose value is
    /// ``PolicyInput/everyValue`` (a Kubernetes list across all namespaces)
    /// reaches whatever a pattern names, so a restricting rule on any value
    /// matches it; a rule that allows matches it only with a pattern that
    /// takes every value (`"*"`).
    func matches(_ input: PolicyInput, restricting: Bool = true) -> Bool {
        if let kinds, !(input.kind.map(kinds.contains) ?? false) { return false }
        if let classes, !classes.contains(input.className) { return false }
        if let risk, input.risk < risk { return false }
        if targets != nil, !input.targets.contains(where: { matchesTarget($0, kind: input.kind) }) { return false }
        if let attributes {
            for (key, patterns) in attributes {
                guard let value = input.attributes[key] else { return false }
                if restricting, value == PolicyInput.everyValue { continue }
                guard patterns.contains(where: { $0.matches(value) }) else { return false }
            }
        }
        if let pattern {
            let range = NSRange(input.text.startIndex..., in: input.text)
            if pattern.firstMatch(in: input.text, range: range) == nil { return false }
        }
        return true
    }

    private func matchesTarget(_ target: String, kind: ActionKind?) -> Bool {
        guard kind == .sql else { return targetGlobs.contains { $0.matches(target) } }
        guard let tables = targets else { return false }
        let name = target.lowercased()
        if tables.contains(name) { return true }
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        return tables.contains { table in
            let ruleParts = table.split(separator: ".", omittingEmptySubsequences: false)
            guard ruleParts.last == parts.last else { return false }
            // Either side bare: the schema is not known, so it may be the same.
            guard parts.count > 1, ruleParts.count > 1 else { return true }
            // Both qualified: compare schema and table (a target may also name its database).
            return parts.suffix(2) == ruleParts.suffix(2)
        }
    }
}

/// One rule of a connection's ordered list.
public struct PolicyRule: Sendable {
    public var match: RuleMatch
    public var action: RuleAction
    /// Shown to the client on deny and to approvers on approve.
    public var reason: String?

    public init(match: RuleMatch, action: RuleAction, reason: String? = nil) {
        self.match = match
        self.action = action
        self.reason = reason
    }
}
