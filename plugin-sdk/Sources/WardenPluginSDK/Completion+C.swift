import CWardenPlugin

extension Completion {
    /// Decodes a borrowed C completion, copying everything it keeps. An
    /// unknown kind or side is an error: the session fails closed.
    init(_ c: warden_completion) throws {
        let status = HostStatus(code: c.status)
        let refusal = Refusal(status: status, reason: c.message.string)
        switch warden_completion_kind(rawValue: c.kind) {
        case WARDEN_COMPLETION_TLS:
            guard let side = Side(rawValue: c.side) else { throw InitError("TLS completion names an unknown side \(c.side)") }
            self = .tls(c.request_id, side: side, error: status == .ok ? nil : refusal.reason)
        case WARDEN_COMPLETION_AUTHENTICATE:
            guard status == .ok else {
                self = .authenticated(c.request_id, .failure(refusal))
                return
            }
            let groups = borrowedArray(c.groups, c.group_count).map(\.string)
            self = .authenticated(c.request_id, .success(AuthenticatedIdentity(subject: c.subject.string, groups: groups)))
        case WARDEN_COMPLETION_UPSTREAM:
            guard status == .ok else {
                self = .upstreamOpened(c.request_id, .failure(refusal))
                return
            }
            var values: [String: String] = [:]
            for pair in borrowedArray(c.values, c.value_count) {
                values[pair.key.string] = pair.value.string
            }
            self = .upstreamOpened(c.request_id, .success(values))
        case WARDEN_COMPLETION_DECISION:
            // Only an explicit OK + ALLOW allows; anything else denies.
            if status == .ok && c.verdict == WARDEN_VERDICT_ALLOW.rawValue {
                let approval = c.approval_id.string
                self = .decided(c.request_id, .allow(actionID: c.action_id, approvalID: approval.isEmpty ? nil : approval))
            } else if status == .unavailable {
                let reason = refusal.reason.isEmpty ? "the gateway cannot decide now" : refusal.reason
                self = .decided(c.request_id, .unavailable(reason: reason))
            } else {
                let reason = refusal.reason.isEmpty ? "denied by policy" : refusal.reason
                self = .decided(c.request_id, .deny(reason: reason))
            }
        case WARDEN_COMPLETION_DECISION_PENDING:
            self = .decisionPending(c.request_id, approvalID: c.approval_id.string, message: c.message.string)
        case WARDEN_COMPLETION_WAKE:
            self = .woken(c.request_id)
        case WARDEN_COMPLETION_UPSTREAM_CLOSED:
            self = .upstreamClosed(reason: c.message.string.isEmpty ? nil : c.message.string)
        default:
            throw InitError("unknown completion kind \(c.kind)")
        }
    }
}

extension SessionEnding {
    /// Copies the host's borrowed ending.
    init(_ c: warden_ending) {
        self.init(reason: Reason(rawValue: c.reason), message: c.message.string)
    }
}
