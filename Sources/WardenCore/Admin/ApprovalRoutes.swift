import Foundation
import Hummingbird

/// `/v1/approvals`: pending approvals, and deciding on them.
struct ApprovalRoutes: Sendable {
    let approvals: ApprovalBroker
    let access: AdminAccess

    func register(on group: RouterGroup<AdminRequestContext>) {
        // None of them takes query parameters: one sent by mistake is refused, not ignored.
        group.get("approvals") { request, context in
            _ = try AdminInput.query(request, allowed: [])
            return try list(context)
        }
        group.get("approvals/{id}") { request, context in
            _ = try AdminInput.query(request, allowed: [])
            return try show(context)
        }
        group.post("approvals/{id}/approve") { request, context in
            _ = try AdminInput.query(request, allowed: [])
            return try await decide(request, context, approve: true)
        }
        group.post("approvals/{id}/deny") { request, context in
            _ = try AdminInput.query(request, allowed: [])
            return try await decide(request, context, approve: false)
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
        let id = try AdminInput.id(context)
        guard let request = approvals.pending(id: id) else { throw AdminError(ApprovalError.notFound(id)) }
        guard access.maySee(request, identity) else { throw AdminError(ApprovalError.notAnApprover(id)) }
        return try AdminResponse.json(request)
    }

    private func decide(_ request: Request, _ context: AdminRequestContext, approve: Bool) async throws -> Response {
        let identity = try access.require(.approvals, context)
        let id = try AdminInput.id(context)
        let body = try await Self.decisionBody(request, context, approve: approve)
        var grantFor: Duration?
        if let text = body.grantFor {
            guard let duration = DurationText.parse(text) else {
                throw AdminError.badRequest(
                    "for: expected a duration such as 90s, 15m or 1h, \(DurationText.rangeDescription), found \(AdminInput.quoted(text))")
            }
            grantFor = duration
        }
        let decided: ApprovalRequest
        do {
            decided = try approvals.decide(
                id, approver: identity.subject, groups: identity.groups, approve: approve, grantFor: grantFor,
                reason: body.reason)
        } catch {
            throw AdminError(error)
        }
        // The broker's event sink logs and audits the decision.
        return try AdminResponse.json(AdminDecisionResult(
            approval: decided, outcome: approve ? "approved" : "denied", decidedBy: identity.subject,
            grantForSeconds: grantFor?.components.seconds, reason: body.reason))
    }

    /// The longest denial reason: it is shown to the requester and audited.
    static let maximumReasonLength = 1_000

    /// The body is optional: none, or an empty one, means no fields. Bodies
    /// over the context's ``AdminRequestContext/maxUploadSize`` are 413.
    static func decisionBody(_ request: Request, _ context: AdminRequestContext, approve: Bool) async throws -> AdminDecisionBody {
        let buffer = try await request.body.collect(upTo: context.maxUploadSize)
        return try parseDecisionBody(Array(buffer.readableBytesView), approve: approve)
    }

    /// An approval takes `for`, a denial `reason`; any other key, a repeated
    /// key or a value that is not text is refused (see ``FlatJSONObject``).
    static func parseDecisionBody(_ bytes: [UInt8], approve: Bool) throws -> AdminDecisionBody {
        guard bytes.contains(where: { !" \t\r\n".utf8.contains($0) }) else { return AdminDecisionBody() }
        let example = approve ? #"{"for": "15m"}"# : #"{"reason": "..."}"#
        let allowed = approve ? "for" : "reason"
        let object: FlatJSONObject
        do {
            object = try FlatJSONObject(parsing: bytes)
        } catch .duplicateKey(let key) {
            throw AdminError.badRequest("\(AdminInput.quoted(key)) appears more than once in the body; send it once")
        } catch .notText(let key) {
            throw AdminError.badRequest("\(AdminInput.quoted(key)): expected text in quotes, such as \(example)")
        } catch {
            throw AdminError.badRequest("the body must be a JSON object such as \(example), in UTF-8")
        }
        if let unknown = object.keys.first(where: { $0 != allowed }) {
            throw AdminError.badRequest(
                "unknown key \(AdminInput.quoted(unknown)) in the body; \(approve ? "an approval" : "a denial") takes only '\(allowed)', such as \(example)")
        }
        if approve {
            return AdminDecisionBody(grantFor: object["for"])
        }
        guard let reason = object["reason"], !reason.isEmpty else { return AdminDecisionBody() }
        guard reason.count <= maximumReasonLength else {
            throw AdminError.badRequest("reason: at most \(maximumReasonLength) characters, found \(reason.count)")
        }
        // Shown in the requester's terminal (psql prints it): no escapes, no bidi overrides.
        if reason.unicodeScalars.contains(where: { [.control, .format].contains($0.properties.generalCategory) }) {
            throw AdminError.badRequest("reason: control and format characters are not allowed; write it on one line")
        }
        return AdminDecisionBody(reason: reason)
    }
}
