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
        //
        // A page at a time, so that a long trail cannot exhaust the
        // gateway's memory: a full page carries `Warden-Next-After`, the seq
        // to pass as `after` for the next one.
        group.get("audit") { request, context in
            _ = try access.require(.records, context)
            let parameters = try AdminInput.query(request, allowed: ["since", "after", "limit"])
            let since = try Self.since(parameters["since"])
            let after = try AdminInput.wholeNumber("after", parameters["after"], in: 0...Int64.max) ?? 0
            let limit = Int(try AdminInput.wholeNumber("limit", parameters["limit"], in: 1...Int64(Self.maximumPage))
                ?? Int64(Self.defaultPage))
            let events = try await audit.events(since: since, after: after, limit: limit)
            var response = AdminResponse.text(
                events.map { AuditExport.line($0) + "\n" }.joined(), contentType: "application/x-ndjson")
            if events.count == limit, let last = events.last {
                response.headers[Self.nextAfter] = "\(last.seq)"
            }
            return response
        }
        // 200 either way: the request worked; `intact` says what it found.
        group.get("audit/verify") { request, context in
            _ = try access.require(.records, context)
            _ = try AdminInput.query(request, allowed: [])
            return try AdminResponse.json(AdminAuditVerification(try await audit.verify()))
        }
    }

    static let defaultPage = 1_000
    static let maximumPage = 10_000
    static let nextAfter = HTTPFields.Element.Name("Warden-Next-After")!

    /// `?since=`: an ISO 8601 time or a duration back from now (see ``AuditSince``).
    static func since(_ text: String?, now: Date = Date()) throws -> Date? {
        guard let text else { return nil }
        guard let date = AuditSince.parse(text, now: now) else {
            throw AdminError.badRequest("since: expected \(AuditSince.expected), found \(AdminInput.quoted(text))")
        }
        return date
    }
}
