import Foundation

/// Who may approve held actions on a connection, and for how long they wait.
public struct ApprovalSettings: Sendable {
    /// Groups whose members may approve or deny; never the requester.
    public var approvers: [String]
    /// A held action that nobody decides on within this is refused.
    public var timeout: Duration
    /// Receives a JSON message when an approval is requested and when it is decided.
    public var webhook: URL?
    /// The longest grant an approver may give with `approve --for`.
    public var maxGrant: Duration

    public static let defaultMaxGrant = Duration.seconds(8 * 3600)

    public init(approvers: [String], timeout: Duration = .seconds(300), webhook: URL? = nil,
                maxGrant: Duration = ApprovalSettings.defaultMaxGrant) {
        self.approvers = approvers
        self.timeout = timeout
        self.webhook = webhook
        self.maxGrant = maxGrant
    }
}

/// What the policy says about one action.
public struct PolicyVerdict: Sendable, Equatable {
    public var action: RuleAction
    /// The matching rule's reason, or a generated one naming the rule.
    public var reason: String
    /// The 1-based position of the rule that decided, or nil for the default.
    public var rule: Int?

    public static let allowedByDefault = "allowed by default"
}

/// A connection's ordered rules: the first that matches decides, else the default.
public struct ConnectionPolicy: Sendable {
    public var rules: [PolicyRule]
    public var defaultAction: RuleAction
    public var approvals: ApprovalSettings?

    public init(rules: [PolicyRule] = [], defaultAction: RuleAction = .allow, approvals: ApprovalSettings? = nil) {
        self.rules = rules
        self.defaultAction = defaultAction
        self.approvals = approvals
    }

    public func evaluate(_ input: PolicyInput) -> PolicyVerdict {
        for (index, rule) in rules.enumerated() where rule.match.matches(input, restricting: rule.action != .allow) {
            let reason = rule.reason ?? input.explanation ?? "rule \(index + 1) says \(rule.action.rawValue) for \(input.className) actions"
            return PolicyVerdict(action: rule.action, reason: reason, rule: index + 1)
        }
        let reason = defaultAction == .allow ? PolicyVerdict.allowedByDefault : "no rule allows this; the connection's default is \(defaultAction.rawValue)"
        return PolicyVerdict(action: defaultAction, reason: reason, rule: nil)
    }
}
