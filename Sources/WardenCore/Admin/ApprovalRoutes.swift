import Foundation
import Hummingbird

/// `/v1/approvals`: pending approvals, and deciding on them.
struct ApprovalRoutes: Sendable {
    let approvals: ApprovalBroker
    let access: AdminAccess

    func register(on group: RouterGroup<AdminRequestContext>) {
        group.get("approvals") { _, context in try list(context) }
        group.get("approvals/{id}") { _, context in try show(context) }
        group.post("approvals/{id}/approve") { request, context in
            try await decide(request, context, approve: true)
        }
        group.post("approvals/{id}/deny") { request, context in
            try await decide(request, context, approve: false)
        }
    }

    /// Only the requests the caller may decide on; admins see all of them.
    private func list(_ context: AdminRequestContext) throws -> Response {
        let identity = try access.require(.approvals, context)
        let visible = approvals.pending().filter { access.maySee($0, identity) }
        return try AdminResponse.json(AdminApprovalList(approvals: visible))
    }

    private func show(_ context: AdminRequestContext) throws -> Response {
        let identity = try access.require(.approvals, context)
        let id = try context.parameters.require("id")
        guard let request = approvals.pending(id: id) else { throw AdminError(ApprovalError.notFound(id)) }
        guard access.maySee(request, identity) else { throw AdminError(ApprovalError.notAnApprover(id)) }
        return try AdminResponse.json(request)
    }

    private func decide(_ request: Request, _ context: AdminRequestContext, approve: Bool) async throws -> Response {
        let identity = try access.require(.approvals, context)
        let id = try context.parameters.require("id")
        let body = try await Self.decisionBody(request, context)
        var grantFor: Duration?
        if approve, let text = body.grantFor {
            guard let duration = DurationText.parse(text) else {
                throw AdminError.badRequest("for: expected a duration such as 90s, 15m or 1h, found '\(text)'")
            }
            grantFor = duration
        }
        let reason = approve ? nil : body.reason.flatMap { $0.isEmpty ? nil : $0 }
        let decided: ApprovalRequest
        do {
            decided = try approvals.decide(
                id, approver: identity.subject, groups: identity.groups, approve: approve, grantFor: grantFor, reason: reason)
        } catch {
            throw AdminError(error)
        }
        // The broker's event sink logs and audits the decision.
        return try AdminResponse.json(AdminDecisionResult(
            approval: decided, outcome: approve ? "approved" : "denied", decidedBy: identity.subject,
            grantForSeconds: grantFor?.components.seconds, reason: reason))
    }

    /// The body is optional: none, or an empty one, means no fields.
    static func decisionBody(_ request: Request, _ context: AdminRequestContext) async throws -> AdminDecisionBody {
        let buffer = try await request.body.collect(upTo: context.maxUploadSize)
        return try parseDecisionBody(Array(buffer.readableBytesView))
    }

    static func parseDecisionBody(_ bytes: [UInt8]) throws -> AdminDecisionBody {
        guard bytes.contains(where: { !" \t\r\n".utf8.contains($0) }) else { return AdminDecisionBody() }
        do {
            return try AdminJSON.decoder().decode(AdminDecisionBody.self, from: Data(bytes))
        } catch {
            throw AdminError.badRequest(#"the body must be a JSON object such as {"for": "15m"} or {"reason": "..."}"#)
        }
    }
}
