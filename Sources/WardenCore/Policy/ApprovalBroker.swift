import Foundation
import Synchronization

/// Holds actions waiting for a human, and the time-boxed grants approvals
/// leave behind. Shared by every session and the admin API; thread-safe.
///
/// Each request ends exactly once: approved, denied, expired or withdrawn,
/// whichever comes first. Its `onOutcome` runs once, outside the lock.
public final class ApprovalBroker: Sendable {
    /// What a grant covers: the same requester, connection, class, command
    /// and targets (at the same or a lower risk).
    struct GrantKey: Hashable {
        var requester: String
        var connection: String
        var className: String
        var command: String
        var targets: [String]

        init(requester: String, connection: String, input: PolicyInput) {
            self.requester = requester
            self.connection = connection
            className = input.className
            command = input.command
            targets = Array(Set(input.targets.map { $0.lowercased() })).sorted()
        }
    }

    struct Grant {
        var approvalID: String
        var risk: RiskLevel
        var until: ContinuousClock.Instant
    }

    private struct Pending {
        var request: ApprovalRequest
        var input: PolicyInput
        var onOutcome: @Sendable (ApprovalOutcome) -> Void
        var timeout: Task<Void, Never>?
    }

    private struct State {
        var pending: [String: Pending] = [:]
        var grants: [GrantKey: Grant] = [:]
    }

    private let state = Mutex(State())
    private let events: @Sendable (ApprovalEvent) -> Void

    /// - Parameter events: told of every request and decision (audit, logs, webhook).
    public init(events: @escaping @Sendable (ApprovalEvent) -> Void = { _ in }) {
        self.events = events
    }

    // MARK: Requests

    /// Holds an action until someone decides, or `timeout` passes.
    /// `onOutcome` runs once, on an arbitrary thread.
    public func request(
        _ request: ApprovalRequest, input: PolicyInput, timeout: Duration,
        onOutcome: @escaping @Sendable (ApprovalOutcome) -> Void
    ) {
        state.withLock { $0.pending[request.id] = Pending(request: request, input: input, onOutcome: onOutcome) }
        events(.requested(request))
        let id = request.id
        let task = Task { [weak self] in
            guard (try? await Task.sleep(for: timeout)) != nil else { return }
            self?.finish(id, .expired)
        }
        state.withLock { $0.pending[id]?.timeout = task }
    }

    /// Ends a request whose session went away.
    public func withdraw(_ id: String) {
        finish(id, .withdrawn)
    }

    /// Approves or denies a pending request on behalf of `approver`.
    @discardableResult
    public func decide(
        _ id: String, approver: String, groups: [String], approve: Bool, grantFor: Duration? = nil, reason: String? = nil
    ) throws(ApprovalError) -> ApprovalRequest {
        let outcome: ApprovalOutcome = approve ? .approved(by: approver, grantFor: grantFor) : .denied(by: approver, reason: reason)
        let result: Result<Pending, ApprovalError> = state.withLock { state in
            guard let pending = state.pending[id] else { return .failure(.notFound(id)) }
            guard pending.request.mayBeDecided(byGroups: groups) else { return .failure(.notAnApprover(id)) }
            guard pending.request.requester != approver else { return .failure(.selfApproval(id)) }
            if approve, let grantFor, let maximum = pending.request.maxGrantSeconds, grantFor > .seconds(maximum) {
                return .failure(.grantTooLong(id: id, connection: pending.request.connection, maximumSeconds: maximum))
            }
            state.pending[id] = nil
            if approve, let grantFor {
                let key = GrantKey(requester: pending.request.requester, connection: pending.request.connection, input: pending.input)
                state.grants[key] = Grant(approvalID: id, risk: pending.input.risk, until: .now + grantFor)
            }
            return .success(pending)
        }
        let pending = try result.get()
        conclude(pending, outcome)
        return pending.request
    }

    private func finish(_ id: String, _ outcome: ApprovalOutcome) {
        guard let pending = state.withLock({ $0.pending.removeValue(forKey: id) }) else { return }
        conclude(pending, outcome)
    }

    private func conclude(_ pending: Pending, _ outcome: ApprovalOutcome) {
        pending.timeout?.cancel()
        events(.decided(pending.request, outcome))
        pending.onOutcome(outcome)
    }

    // MARK: Queries

    /// Pending requests, oldest first.
    public func pending() -> [ApprovalRequest] {
        state.withLock { $0.pending.values.map(\.request) }.sorted { $0.requestedAt < $1.requestedAt }
    }

    public func pending(id: String) -> ApprovalRequest? {
        state.withLock { $0.pending[id]?.request }
    }

    /// The approval whose grant covers this action, if one is still running.
    public func grant(requester: String, connection: String, input: PolicyInput) -> String? {
        // What an unknown action does is not in its description (a DO block,
        // a function running SQL text): one approved is no precedent for another.
        guard input.className != "unknown" else { return nil }
        let key = GrantKey(requester: requester, connection: connection, input: input)
        return state.withLock { state in
            guard let grant = state.grants[key] else { return nil }
            guard grant.until > .now else {
                state.grants[key] = nil
                return nil
            }
            return input.risk <= grant.risk ? grant.approvalID : nil
        }
    }

    /// A new approval id: 12 hex digits, short enough to type.
    public static func makeID() -> String {
        String(UInt64.random(in: 0...UInt64.max) >> 16, radix: 16).leftPadded(to: 12)
    }
}
