import Foundation
import Hummingbird

/// `/v1/sessions`: recorded sessions and their statements, for admins.
struct SessionRoutes: Sendable {
    let records: RecordStore
    let access: AdminAccess

    static let defaultLimit = 50
    static let maximumLimit = 1000

    func register(on group: RouterGroup<AdminRequestContext>) {
        group.get("sessions") { request, context in
            _ = try access.require(.records, context)
            let limit = try Self.limit(try AdminInput.query(request, allowed: ["limit"])["limit"])
            let sessions = try await records.sessions(limit: limit)
            return try AdminResponse.json(AdminSessionList(sessions: sessions.map(AdminSession.init)))
        }
        group.get("sessions/{id}") { request, context in
            _ = try access.require(.records, context)
            _ = try AdminInput.query(request, allowed: [])
            let id = try AdminInput.id(context)
            guard let session = try await records.session(id: id) else {
                throw AdminError.notFound("no session with id '\(id)'")
            }
            let statements = try await records.statements(sessionID: id)
            return try AdminResponse.json(AdminSessionDetail(
                session: AdminSession(session), statements: statements.map(AdminStatement.init)))
        }
        // The same text `warden replay ID` prints.
        group.get("sessions/{id}/replay") { request, context in
            _ = try access.require(.records, context)
            _ = try AdminInput.query(request, allowed: [])
            let id = try AdminInput.id(context)
            guard let session = try await records.session(id: id) else {
                throw AdminError.notFound("no session with id '\(id)'")
            }
            let statements = try await records.statements(sessionID: id)
            return AdminResponse.text(
                SessionReplay.render(session: session, statements: statements), contentType: "text/plain; charset=utf-8")
        }
    }

    /// `?limit=N`: 1 to ``maximumLimit``, ``defaultLimit`` when absent.
    static func limit(_ text: String?) throws -> Int {
        Int(try AdminInput.wholeNumber("limit", text, in: 1...Int64(maximumLimit)) ?? Int64(defaultLimit))
    }
}
