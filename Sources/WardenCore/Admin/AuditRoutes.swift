import Foundation
import Hummingbird

/// `/v1/audit`: the audit trail and its verification, for admins.
struct AuditRoutes: Sendable {
    let audit: AuditLog
    let access: AdminAccess

    func register(on group: RouterGroup<AdminRequestContext>) {
        // JSON lines, exactly as `warden audit export` prints them: each
        // event's detail is the stored canonical text, so a SIEM can
        // recompute every hash from what it receives.
        group.get("audit") { request, context in
            _ = try access.require(.records, context)
            let since = try Self.since(request.uri.queryParameters.get("since"))
            let lines = try await audit.export(since: since)
            return AdminResponse.text(lines.map { $0 + "\n" }.joined(), contentType: "application/x-ndjson")
        }
        // 200 either way: the request worked; `intact` says what it found.
        group.get("audit/verify") { _, context in
            _ = try access.require(.records, context)
            return try AdminResponse.json(AdminAuditVerification(try await audit.verify()))
        }
    }

    /// `?since=`: an ISO 8601 time or a duration back from now (see ``AuditSince``).
    static func since(_ text: String?, now: Date = Date()) throws -> Date? {
        guard let text else { return nil }
        guard let date = AuditSince.parse(text, now: now) else {
            throw AdminError.badRequest("since: expected a time such as 2026-11-25T10:00:00Z or a duration such as 1h, found '\(text)'")
        }
        return date
    }
}
