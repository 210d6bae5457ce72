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
    /// `read`, `write`, `ddl`, `dcl`, `admin`, `transaction` or `unknown`.
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

    public init(className: String, risk: RiskLevel, targets: [String], text: String, command: String = "",
                explanation: String? = nil) {
        self.className = className
        self.risk = risk
        self.targets = targets
        self.text = text
        self.command = command
        self.explanation = explanation
    }
}

/// The conditions of one rule; every condition given must hold. A rule with
/// none matches every action.
public struct RuleMatch: Sendable {
    public var classes: Set<String>?
    /// Matches actions at or above this risk.
    public var risk: RiskLevel?
    /// Matches when any target is one of these. A bare name also matches the
    /// same table in any schema (`payments` matches `public.payments`), and
    /// a qualified one also matches the bare name, which `search_path` may
    /// resolve to it (`finance.payments` matches `payments`). Letter case is
    /// ignored, so a quoted `"Payments"` matches too: wider, never narrower.
    public var tables: Set<String>?
    /// A regular expression searched for in the normalized text: the last
    /// resort, since text can be written in many ways.
    public var pattern: NSRegularExpression?

    public init(classes: Set<String>? = nil, risk: RiskLevel? = nil, tables: Set<String>? = nil,
                pattern: NSRegularExpression? = nil) {
        self.classes = classes
        self.risk = risk
        self.tables = tables.map { Set($0.map { $0.lowercased() }) }
        self.pattern = pattern
    }

    func matches(_ input: PolicyInput) -> Bool {
        if let classes, !classes.contains(input.className) { return false }
        if let risk, input.risk < risk { return false }
        if let tables, !input.targets.contains(where: { Self.target($0, isIn: tables) }) { return false }
        if let pattern {
            let range = NSRange(input.text.startIndex..., in: input.text)
            if pattern.firstMatch(in: input.text, range: range) == nil { return false }
        }
        return true
    }

    private static func target(_ target: String, isIn tables: Set<String>) -> Bool {
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
