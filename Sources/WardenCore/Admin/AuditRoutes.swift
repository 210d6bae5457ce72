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
            let parameters = request.uri.queryParameters
            let since = try Self.since(parameters.get("since"))
            let after = try Self.number("after", parameters.get("after"), in: 0...Int64.max) ?? 0
            let limit = Int(try Self.number("limit", parameters.get("limit"), in: 1...Int64(Self.maximumPage)) ?? Int64(Self.defaultPage))
            let events = try await audit.events(since: since, after: after, limit: limit)
            var response = AdminResponse.text(
                events.map { AuditExport.line($0) + "\n" }.joined(), contentType: "application/x-ndjson")
            if events.count == limit, let last = events.last {
                response.headers[Self.nextAfter] = "\(last.seq)"
            }
            return response
        }
        // 200 either way: the request worked; `intact` says what it found.
        group.get("audit/verify") { _, context in
            _ = try access.require(.records, context)
            return try AdminResponse.json(AdminAuditVerification(try await audit.verify()))
        }
    }

    static let defaultPage = 1_000
    static let maximumPage = 10_000
    static let nextAfter = HTTPFields.Element.Name("Warden-Next-After")!

    /// A whole-number query parameter within `range`, or nil when absent.
    static func number(_ name: String, _ text: String?, in range: ClosedRange<Int64>) throws -> Int64? {
        guard let text else { return nil }
        guard let value = Int64(text), range.contains(value) else {
            throw AdminError.badRequest("\(name): expected a whole number from \(range.lowerBound) to \(range.upperBound), found '\(text)'")
        }
        return value
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
