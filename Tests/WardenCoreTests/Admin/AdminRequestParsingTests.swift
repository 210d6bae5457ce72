import Foundation
import Testing

@testable import WardenCore

@Suite("Admin API: reading requests and naming errors")
struct AdminRequestParsingTests {
    @Test("a bearer token is read from the Authorization header, any case of the scheme")
    func bearer() {
        #expect(AdminAuthMiddleware.bearerToken("Bearer abc.def.ghi") == "abc.def.ghi")
        #expect(AdminAuthMiddleware.bearerToken("bearer  abc ") == "abc")
        #expect(AdminAuthMiddleware.bearerToken("BEARER abc") == "abc")
        #expect(AdminAuthMiddleware.bearerToken(nil) == nil)
        #expect(AdminAuthMiddleware.bearerToken("Bearer") == nil)
        #expect(AdminAuthMiddleware.bearerToken("Bearer   ") == nil)
        #expect(AdminAuthMiddleware.bearerToken("Basic YWxpY2U6c2VjcmV0") == nil)
    }

    @Test("a decision body is optional, and each field in it")
    func decisionBody() throws {
        #expect(try ApprovalRoutes.parseDecisionBody([]) == AdminDecisionBody())
        #expect(try ApprovalRoutes.parseDecisionBody(Array(" \n".utf8)) == AdminDecisionBody())
        #expect(try ApprovalRoutes.parseDecisionBody(Array("{}".utf8)) == AdminDecisionBody())
        #expect(try ApprovalRoutes.parseDecisionBody(Array(#"{"for": "15m"}"#.utf8)) == AdminDecisionBody(grantFor: "15m"))
        #expect(try ApprovalRoutes.parseDecisionBody(Array(#"{"reason": "not now"}"#.utf8)) == AdminDecisionBody(reason: "not now"))
    }

    @Test("a body that is not a JSON object is a 400")
    func badBody() throws {
        for text in ["15m", "[1]", #"{"for": 15}"#, "{"] {
            let error = try #require(throws: AdminError.self) { try ApprovalRoutes.parseDecisionBody(Array(text.utf8)) }
            #expect(error.status == .badRequest)
        }
    }

    @Test("the broker's refusals map to 404 and 403 with its words")
    func approvalErrors() {
        #expect(AdminError(ApprovalError.notFound("a1")).status == .notFound)
        #expect(AdminError(ApprovalError.notAnApprover("a1")).status == .forbidden)
        let own = AdminError(ApprovalError.selfApproval("a1"))
        #expect(own.status == .forbidden)
        #expect(own.message == "approval 'a1' is your own request: someone else must decide on it")
    }

    @Test("limit and since are checked before the store is asked")
    func queryParameters() throws {
        #expect(try SessionRoutes.limit(nil) == 50)
        #expect(try SessionRoutes.limit("10") == 10)
        for bad in ["0", "-1", "ten", "100000"] {
            #expect(throws: AdminError.self) { try SessionRoutes.limit(bad) }
        }
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        #expect(try AuditRoutes.since(nil) == nil)
        #expect(try AuditRoutes.since("1h", now: now) == now.addingTimeInterval(-3600))
        #expect(try AuditRoutes.since("2027-01-15T08:00:00Z") == now)
        #expect(throws: AdminError.self) { try AuditRoutes.since("yesterday") }
    }

    @Test("the client adds http:// to a bare address and escapes ids")
    func clientURLs() {
        #expect(AdminClient.normalized("127.0.0.1:8081") == "http://127.0.0.1:8081")
        #expect(AdminClient.normalized("http://127.0.0.1:8081/") == "http://127.0.0.1:8081")
        #expect(AdminClient.normalized("[::1]:8081") == "http://[::1]:8081")
        #expect(AdminClient.pathComponent("0a1b2c3d4e5f") == "0a1b2c3d4e5f")
        #expect(AdminClient.pathComponent("../x?y") == "..%2Fx%3Fy")
    }
}
