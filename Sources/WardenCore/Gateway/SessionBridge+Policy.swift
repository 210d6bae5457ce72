import CWardenPlugin
import Foundation
import NIOCore

/// Policy decisions for one session: the connection's rules, held actions
/// and the records and audit events each verdict leaves.
extension SessionBridge {
    func decide(_ action: ActionDescriptor, request: warden_request_id) -> warden_status {
        // Several actions may be in flight (HTTP requests on one connection),
        // each with its own decision, record and result.
        guard connection != nil else { return WARDEN_DENIED }
        let bound = NIOLoopBound(self, eventLoop: eventLoop)
        nextRecorderWait += 1
        let wait = nextRecorderWait
        let admission = gateway.recorder.admit {
            bound.eventLoop.execute { bound.value.recorderAdmits(wait, action, request: request) }
        }
        switch admission {
        case .now:
            evaluate(action, request: request)
        case .wait(let ticket):
            // Every verdict leaves records: while the store cannot take them,
            // wait rather than run statements that might not be recorded
            // (see ``Recorder``), and refuse once the wait is too long.
            let limit = gateway.config.store.unavailableTimeout
            let timeout = eventLoop.scheduleTask(in: .nanoseconds(Int64(limit.seconds * 1_000_000_000))) {
                bound.value.recorderWaitTimedOut(wait, action, request: request, after: limit)
            }
            recorderWaits[wait] = RecorderWait(ticket: ticket, timeout: timeout)
        }
        return WARDEN_OK
    }

    private func recorderAdmits(_ wait: UInt64, _ action: ActionDescriptor, request: warden_request_id) {
        guard let recorderWait = recorderWaits.removeValue(forKey: wait) else { return }
        recorderWait.timeout.cancel()
        guard !finished else { return }
        evaluate(action, request: request)
    }

    /// The store stayed unavailable for `store.unavailable_timeout`: the
    /// statement is refused, and the client told to retry. The refusal is
    /// recorded like any other, and written once the store takes writes.
    private func recorderWaitTimedOut(
        _ wait: UInt64, _ action: ActionDescriptor, request: warden_request_id, after limit: Duration
    ) {
        guard let recorderWait = recorderWaits.removeValue(forKey: wait) else { return }
        gateway.recorder.withdraw(recorderWait.ticket)
        guard !finished else { return }
        nextSequence += 1
        let statement = PendingStatement(sequence: nextSequence, request: request, action: action, askedAt: Date())
        recordDenial(statement, reason: """
            the audit store is unavailable: the statement waited \(DurationText.format(limit)) for the recorder \
            (store.unavailable_timeout) and did not run
            """)
        complete(CompletionPayload(
            kind: WARDEN_COMPLETION_DECISION, request: request, status: WARDEN_UNAVAILABLE, verdict: WARDEN_VERDICT_DENY,
            message: "the audit store is unavailable, so Warden cannot record the statement: it did not run; try again later"))
    }

    private func evaluate(_ action: ActionDescriptor, request: warden_request_id) {
        guard let connection else { return }
        nextSequence += 1
        let statement = PendingStatement(sequence: nextSequence, request: request, action: action, askedAt: Date())
        if let refusal = action.attributes[ActionDescriptor.refusalAttribute] {
            // The plugin cannot inspect what would follow (a statement that
            // changes how the server reads text): no rule may allow it.
            return deny(statement, reason: refusal, clientMessage: "\(action.noun) refused by Warden: \(refusal)")
        }
        let input = action.policyInput
        let verdict = connection.policy.evaluate(input)
        switch verdict.action {
        case .allow:
            allow(statement, reason: verdict.reason)
        case .deny:
            deny(statement, reason: verdict.reason, clientMessage: "\(action.noun) refused by Warden: \(verdict.reason)")
        case .approve:
            let subject = record.subject ?? ""
            if let grant = gateway.approvals.grant(requester: subject, connection: connection.name, input: input) {
                allow(statement, reason: "within the window granted by approval \(grant)", approval: grant)
            } else {
                hold(statement, input: input, reason: verdict.reason, connection: connection)
            }
        }
    }

    private func allow(_ statement: PendingStatement, reason: String, approval: String? = nil) {
        statementStarts[statement.sequence] = .now()
        recordVerdict(statement, verdict: "allow", reason: reason, approval: approval)
        complete(CompletionPayload(
            kind: WARDEN_COMPLETION_DECISION, request: statement.request, verdict: WARDEN_VERDICT_ALLOW,
            actionID: statement.sequence, approvalID: approval ?? ""))
    }

    private func deny(_ statement: PendingStatement, reason: String, clientMessage: String) {
        recordDenial(statement, reason: reason)
        complete(CompletionPayload(
            kind: WARDEN_COMPLETION_DECISION, request: statement.request, status: WARDEN_DENIED,
            verdict: WARDEN_VERDICT_DENY, message: clientMessage))
    }

    /// Records and audits a refusal; the plugin learns of it separately, if
    /// its session is still open.
    func recordDenial(_ statement: PendingStatement, reason: String) {
        recordVerdict(statement, verdict: "deny", reason: reason)
        logger.notice("statement denied", metadata: ["reason": "\(reason)", "sequence": "\(statement.sequence)"])
    }

    /// Holds the statement until an approver decides, it times out, or the session ends.
    private func hold(_ statement: PendingStatement, input: PolicyInput, reason: String, connection: ConnectionConfig) {
        guard let settings = connection.policy.approvals else {
            // Configuration loading refuses approve rules without approvers.
            return deny(statement, reason: reason, clientMessage: "\(statement.action.noun) refused by Warden: nobody can approve it")
        }
        let id = ApprovalBroker.makeID()
        let now = Date()
        let request = ApprovalRequest(
            id: id, connection: connection.name, sessionID: record.id, requester: record.subject ?? "",
            text: statement.action.text, className: statement.action.className, risk: statement.action.riskName,
            targets: statement.action.targets, reason: reason, approvers: settings.approvers, requestedAt: now,
            expiresAt: now.addingTimeInterval(settings.timeout.seconds), maxGrantSeconds: settings.maxGrant.components.seconds,
            kind: statement.action.facts.kind, attributes: statement.action.facts.attributes)
        held[id] = HeldStatement(approval: id, statement: statement)
        let bound = NIOLoopBound(self, eventLoop: eventLoop)
        gateway.approvals.request(request, input: input, timeout: settings.timeout) { outcome in
            bound.eventLoop.execute { bound.value.approvalEnded(id, outcome, settings: settings) }
        }
        if plugin.manifest.has(PluginManifestInfo.approvalNoticesCapability) {
            let message = """
                \(statement.action.noun) held for approval \(id): \(reason). A member of \(settings.approvers.joined(separator: " or ")) \
                can approve it with `warden approvals approve \(id)`; waiting up to \(DurationText.format(settings.timeout)).
                """
            complete(CompletionPayload(
                kind: WARDEN_COMPLETION_DECISION_PENDING, request: statement.request, message: message, approvalID: id))
        }
    }

    private func approvalEnded(_ id: String, _ outcome: ApprovalOutcome, settings: ApprovalSettings) {
        // The session ended, or its client canceled, first.
        guard let statement = held.removeValue(forKey: id)?.statement else { return }
        switch outcome {
        case .approved(let approver, _):
            allow(statement, reason: "approved by \(approver) (approval \(id))", approval: id)
        case .denied(let approver, let why):
            let reason = "approval \(id) was denied by \(approver)" + (why.map { ": \($0)" } ?? "")
            deny(statement, reason: reason, clientMessage: "\(reason); the \(statement.action.noun) did not run")
        case .expired:
            let reason = "approval \(id) timed out after \(DurationText.format(settings.timeout)) without a decision"
            deny(statement, reason: reason, clientMessage: "\(reason); the \(statement.action.noun) did not run")
        case .withdrawn:
            break
        }
    }

    /// The client canceled (a protocol cancel request, on another
    /// connection): the statements held for approval are refused now, and
    /// their approvals withdrawn so that nobody can approve them later.
    func cancelHeld(reason: String) {
        guard !finished else { return }
        for held in takeHeld() {
            gateway.approvals.withdraw(held.approval)
            let why = "\(reason) while it waited for approval \(held.approval)"
            deny(held.statement, reason: why, clientMessage: "\(why); the \(held.statement.action.noun) did not run")
        }
    }

    /// Every held statement, oldest first, no longer held.
    func takeHeld() -> [HeldStatement] {
        defer { held.removeAll() }
        return held.values.sorted { $0.statement.sequence < $1.statement.sequence }
    }

    private var actor: String { record.subject ?? AuditedContent.unknownActor }

    /// Records the statement and its verdict event. The event carries the
    /// record's content (``AuditedContent``), so that `warden audit verify`
    /// finds the record edited later, and what the plugin said of the action.
    private func recordVerdict(_ statement: PendingStatement, verdict: String, reason: String, approval: String? = nil) {
        let statementRecord = StatementRecord(
            sessionID: record.id, sequence: Int(statement.sequence), startedAt: statement.askedAt,
            text: statement.action.text, verdict: verdict, reason: reason, approval: approval,
            facts: statement.action.facts)
        gateway.recorder.record(.statementStarted(statementRecord))
        let detail = AuditedContent.statement(statementRecord)
        gateway.recorder.audit(
            verdict == "allow" ? AuditKind.statementAllowed : AuditKind.statementDenied, actor: actor, sessionID: record.id,
            detail: auditDetail(detail))
    }
}

/// A statement waiting for the recorder to take its records.
/// Kept by the session under the wait's number, so that a late resume of
/// one that ended is ignored.
struct RecorderWait {
    /// The recorder's ticket, to withdraw the wait.
    var ticket: UInt64
    /// Refuses the statement when the wait is too long.
    var timeout: Scheduled<Void>
}

/// A statement held for a human's approval.
struct HeldStatement {
    var approval: String
    var statement: PendingStatement
}

/// A statement between the plugin's decide and its verdict.
struct PendingStatement {
    var sequence: UInt64
    var request: warden_request_id
    var action: ActionDescriptor
    var askedAt: Date
}

extension ActionDescriptor {
    /// What clients are told was refused: a SQL statement, another kind's request.
    var noun: String { actionKind == .sql || actionKind == nil ? "statement" : "request" }

    /// What records and the audit trail keep of the action: the normalized
    /// text is left out, since the text itself is kept once.
    var facts: ActionFacts {
        ActionFacts(
            kind: actionKind?.rawValue ?? "\(kind)", className: className, risk: riskName, targets: targets,
            attributes: attributes.filter { $0.key != "normalized" })
    }

    /// What the policy sees: the normalized text when the plugin gives one.
    var policyInput: PolicyInput {
        PolicyInput(
            kind: actionKind, className: className, risk: RiskLevel(name: riskName) ?? .critical, targets: targets,
            text: attributes["normalized"] ?? text, command: attributes["command"] ?? "",
            explanation: attributes["reason"], attributes: attributes)
    }
}

extension Duration {
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
