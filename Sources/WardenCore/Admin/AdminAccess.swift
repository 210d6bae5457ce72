/// Who may use which part of the admin API. Pure: an identity in, an answer
/// out; the routes turn a refusal into 403.
///
/// - Approvals are for approvers: members of any connection's
///   `approvals.approvers` see the requests they may decide on. Members of
///   `admin.groups` see every pending request, but decide only where they are
///   approvers too; ``ApprovalBroker/decide(_:approver:groups:approve:grantFor:reason:)``
///   enforces that, and that nobody decides on their own request.
/// - Sessions, statements and the audit trail are for `admin.groups` only.
struct AdminAccess: Sendable {
    /// The parts of the API with different audiences.
    enum Area: Sendable {
        case approvals
        case records
    }

    let adminGroups: Set<String>
    /// The union of every connection's `approvals.approvers`.
    let approverGroups: Set<String>

    init(adminGroups: some Sequence<String>, approverGroups: some Sequence<String>) {
        self.adminGroups = Set(adminGroups)
        self.approverGroups = Set(approverGroups)
    }

    init(admin: AdminConfig, connections: [ConnectionConfig]) {
        self.init(adminGroups: admin.groups, approverGroups: connections.flatMap { $0.policy.approvals?.approvers ?? [] })
    }

    func isAdmin(_ identity: Identity) -> Bool {
        !adminGroups.isDisjoint(with: identity.groups)
    }

    func isApprover(_ identity: Identity) -> Bool {
        !approverGroups.isDisjoint(with: identity.groups)
    }

    /// Why `identity` may not use `area`, or nil when it may.
    func refusal(_ area: Area, for identity: Identity) -> String? {
        switch area {
        case .approvals:
            guard !isAdmin(identity) && !isApprover(identity) else { return nil }
            return "'\(identity.subject)' is not in a group that approves statements on any connection (\(Self.list(approverGroups))) nor in admin.groups (\(Self.list(adminGroups)))"
        case .records:
            guard !isAdmin(identity) else { return nil }
            return "'\(identity.subject)' is not in admin.groups (\(Self.list(adminGroups))), which may read sessions and the audit trail"
        }
    }

    /// Whether `identity` may see `request`: an admin, or one who may decide on it.
    func maySee(_ request: ApprovalRequest, _ identity: Identity) -> Bool {
        isAdmin(identity) || request.mayBeDecided(byGroups: identity.groups)
    }

    private static func list(_ groups: Set<String>) -> String {
        groups.isEmpty ? "none configured" : groups.sorted().joined(separator: ", ")
    }
}
