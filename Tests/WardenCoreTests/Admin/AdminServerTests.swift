import AsyncHTTPClient
import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import ServiceLifecycle
import Testing

@testable import WardenCore

/// The admin API in this process, on a random loopback port, over real HTTP:
/// the dev issuer signs tokens, a broker holds approvals, a temporary SQLite
/// file holds a session and an audit trail.
@Suite("Admin API over HTTP")
struct AdminServerTests {
    @Test("no token, a bad token and the wrong groups are refused with JSON errors")
    func refusals() async throws {
        try await AdminTestServer.with { server in
            let health = try await server.call(.GET, "/healthz")
            #expect(health.status == 200 && health.body == "ok\n")

            let missing = try await server.call(.GET, "/v1/sessions")
            #expect(missing.status == 401)
            #expect(missing.headers.first(name: "WWW-Authenticate")?.hasPrefix("Bearer") == true)
            #expect(missing.error?.contains("Authorization: Bearer") == true, "\(missing.body)")

            let garbage = try await server.call(.GET, "/v1/sessions", token: "not-a-token")
            #expect(garbage.status == 401)
            #expect(garbage.headers.first(name: "WWW-Authenticate")?.contains("invalid_token") == true)
            #expect(garbage.error?.contains("token is malformed") == true, "\(garbage.body)")

            let analyst = try server.token("carol", ["analysts"])
            for path in ["/v1/sessions", "/v1/approvals", "/v1/audit", "/v1/audit/verify"] {
                let answer = try await server.call(.GET, path, token: analyst)
                #expect(answer.status == 403, "\(path): \(answer.body)")
                #expect(answer.error?.contains("'carol' is not in") == true, "\(path): \(answer.body)")
            }
            // An approver is not an admin.
            let approver = try server.token("bob", ["dba"])
            #expect(try await server.call(.GET, "/v1/sessions", token: approver).status == 403)

            let unknown = try await server.call(.GET, "/v1/nothing-here", token: approver)
            #expect(unknown.status == 404 && unknown.error != nil, "\(unknown.body)")
        }
    }

    @Test("admins read sessions, statements and the audit trail")
    func records() async throws {
        try await AdminTestServer.with { server in
            let admin = try server.token("sam", ["security"])
            let list = try await server.call(.GET, "/v1/sessions?limit=5", token: admin)
            #expect(list.status == 200, "\(list.body)")
            let sessions = try AdminJSON.decoder().decode(AdminSessionList.self, from: Data(list.body.utf8)).sessions
            #expect(sessions.map(\.id) == ["s-1"])
            #expect(list.body.contains(#""client_address":"127.0.0.1:50000""#))

            let detail = try await server.call(.GET, "/v1/sessions/s-1", token: admin)
            let shown = try AdminJSON.decoder().decode(AdminSessionDetail.self, from: Data(detail.body.utf8))
            #expect(shown.statements.map(\.text) == ["SELECT 1"])
            #expect(try await server.call(.GET, "/v1/sessions/nope", token: admin).status == 404)
            #expect(try await server.call(.GET, "/v1/sessions?limit=0", token: admin).status == 400)

            let audit = try await server.call(.GET, "/v1/audit", token: admin)
            #expect(audit.status == 200)
            #expect(audit.headers.first(name: "Content-Type") == "application/x-ndjson")
            let kinds = audit.body.split(separator: "\n").compactMap {
                (try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])?["kind"] as? String
            }
            #expect(kinds == ["config.loaded", "connection.accepted", "statement.allowed"])
            let later = try await server.call(.GET, "/v1/audit?since=2999-01-01T00:00:00Z", token: admin)
            #expect(later.status == 200 && later.body.isEmpty)
            #expect(try await server.call(.GET, "/v1/audit?since=soon", token: admin).status == 400)

            let verify = try await server.call(.GET, "/v1/audit/verify", token: admin)
            #expect(try AdminJSON.decoder().decode(AdminAuditVerification.self, from: Data(verify.body.utf8))
                == AdminAuditVerification(.intact(count: 3)))
        }
    }

    @Test("approvers see and decide; requesters and mere admins cannot")
    func approvals() async throws {
        try await AdminTestServer.with { server in
            let held = server.hold(requester: "alice", approvers: ["dba"])
            let other = server.hold(requester: "alice", approvers: ["payments-leads"])
            let bob = try server.token("bob", ["dba"])
            let admin = try server.token("sam", ["security"])

            let bobsList = try await AdminClient(baseURL: server.url, token: bob).pendingApprovals()
            #expect(bobsList.map(\.id) == [held])
            let adminList = try await AdminClient(baseURL: server.url, token: admin).pendingApprovals()
            #expect(Set(adminList.map(\.id)) == [held, other])
            #expect(try await server.call(.GET, "/v1/approvals/\(other)", token: bob).status == 403)
            #expect(try await server.call(.GET, "/v1/approvals/\(held)", token: bob).status == 200)

            // Seeing is not deciding: the admin is not in dba.
            await #expect(throws: AdminClientError.refused(
                status: 403, message: "you are not in a group that may decide on approval '\(held)'")) {
                try await AdminClient(baseURL: server.url, token: admin).approve(held)
            }
            let alice = try server.token("alice", ["dba"])
            await #expect(throws: AdminClientError.refused(
                status: 403, message: "approval '\(held)' is your own request: someone else must decide on it")) {
                try await AdminClient(baseURL: server.url, token: alice).approve(held)
            }
            let badGrant = try await server.call(.POST, "/v1/approvals/\(held)/approve", token: bob, body: #"{"for": "a while"}"#)
            #expect(badGrant.status == 400, "\(badGrant.body)")
            #expect(server.outcomes.isEmpty)

            let result = try await AdminClient(baseURL: server.url, token: bob).approve(held, grantFor: "15m")
            #expect(result.outcome == "approved" && result.decidedBy == "bob" && result.grantForSeconds == 900)
            #expect(server.outcomes[held] == .approved(by: "bob", grantFor: .seconds(900)))
            let again = try await server.call(.POST, "/v1/approvals/\(held)/approve", token: bob)
            #expect(again.status == 404, "\(again.body)")

            let pat = try server.token("pat", ["payments-leads"])
            let denied = try await server.call(.POST, "/v1/approvals/\(other)/deny", token: pat, body: #"{"reason": "use a WHERE"}"#)
            #expect(denied.status == 200, "\(denied.body)")
            #expect(server.outcomes[other] == .denied(by: "pat", reason: "use a WHERE"))
        }
    }
}

/// One admin API server for one test.
struct AdminTestServer {
    struct Answer {
        var status: Int
        var headers: HTTPHeaders
        var body: String
        /// The `error` of a JSON error body.
        var error: String? { try? AdminJSON.decoder().decode(AdminErrorBody.self, from: Data(body.utf8)).error }
    }

    let url: String
    let issuer: DevIssuer
    let broker: ApprovalBroker
    private let decided: NIOLockedValueBox<[String: ApprovalOutcome]>

    var outcomes: [String: ApprovalOutcome] { decided.withLockedValue { $0 } }

    static func with(_ body: (AdminTestServer) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("warden-admin-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let storePath = directory.appendingPathComponent("warden.db").path
        let logger = Logger(label: "warden.test.admin")
        try await seed(storePath, logger: logger)

        let issuer = try DevIssuer(keyFile: directory.appendingPathComponent("dev.pem"), audience: "warden")
        let broker = ApprovalBroker()
        let (ports, listening) = AsyncStream.makeStream(of: Int.self)
        let service = AdminService(
            address: SocketAddressConfig(host: "127.0.0.1", port: 0), storePath: storePath,
            validator: TokenValidator(oidc: nil, dev: issuer),
            access: AdminAccess(adminGroups: ["security"], approverGroups: ["dba", "payments-leads"]),
            approvals: broker, logger: logger, onListening: { listening.yield($0.port ?? 0) })
        let group = ServiceGroup(configuration: .init(services: [service], logger: logger))
        let running = Task {
            defer { listening.finish() }
            try await group.run()
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else {
            try await running.value
            throw AuditTestError("the admin API stopped before it listened")
        }
        let server = AdminTestServer(url: "http://127.0.0.1:\(port)", issuer: issuer, broker: broker, decided: .init([:]))
        do {
            try await body(server)
        } catch {
            await group.triggerGracefulShutdown()
            try? await running.value
            throw error
        }
        await group.triggerGracefulShutdown()
        try await running.value
    }

    /// One session with one statement, and their audit events after `config.loaded`.
    private static func seed(_ path: String, logger: Logger) async throws {
        let store = try await RecordStore.open(path: path, logger: logger)
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        try await store.apply(.sessionStarted(SessionRecord(
            id: "s-1", startedAt: start, endedAt: nil, listener: "pg", clientAddress: "127.0.0.1:50000",
            connection: "orders", clientUser: "alice", subject: "alice", groups: ["analysts"], status: "open", reason: nil)))
        try await store.apply(.statementStarted(StatementRecord(
            sessionID: "s-1", sequence: 1, startedAt: start, text: "SELECT 1", verdict: "allow", reason: nil,
            durationMilliseconds: nil, rows: nil, summary: nil, errorCode: nil, errorMessage: nil)))
        try await store.close()
        let audit = try await AuditLog.open(path: path, logger: logger)
        try await audit.append(kind: AuditKind.configLoaded, actor: AuditKind.gatewayActor)
        try await audit.append(kind: AuditKind.connectionAccepted, actor: "alice", sessionID: "s-1")
        try await audit.append(kind: AuditKind.statementAllowed, actor: "alice", sessionID: "s-1", detail: ["sequence": "1"])
        try await audit.close()
    }

    func token(_ subject: String, _ groups: [String]) throws -> String {
        try issuer.issue(subject: subject, groups: groups, ttl: .seconds(600))
    }

    /// Holds a statement as a session would, and remembers how it ended.
    func hold(requester: String, approvers: [String]) -> String {
        let id = ApprovalBroker.makeID()
        let request = ApprovalRequest(
            id: id, connection: "orders", sessionID: "s-1", requester: requester, text: "UPDATE t SET x = 1",
            className: "write", risk: "high", targets: ["t"], reason: "UPDATE without WHERE affects every row",
            approvers: approvers, requestedAt: Date(), expiresAt: Date().addingTimeInterval(300))
        let decided = self.decided
        let input = PolicyInput(className: "write", risk: .high, targets: ["orders"], text: "", command: "UPDATE")
        broker.request(request, input: input, timeout: .seconds(300)) { outcome in
            decided.withLockedValue { $0[id] = outcome }
        }
        return id
    }

    func call(_ method: HTTPMethod, _ path: String, token: String? = nil, body: String? = nil) async throws -> Answer {
        var request = HTTPClientRequest(url: url + path)
        request.method = method
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let body { request.body = .bytes(ByteBuffer(string: body)) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let bytes = try await response.body.collect(upTo: 1 << 20)
        return Answer(status: Int(response.status.code), headers: response.headers, body: String(buffer: bytes))
    }
}
