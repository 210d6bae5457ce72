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
        #expect(try ApprovalRoutes.parseDecisionBody([], approve: true) == AdminDecisionBody())
        #expect(try ApprovalRoutes.parseDecisionBody(Array(" \n".utf8), approve: true) == AdminDecisionBody())
        #expect(try ApprovalRoutes.parseDecisionBody(Array("{}".utf8), approve: false) == AdminDecisionBody())
        #expect(try ApprovalRoutes.parseDecisionBody(Array(#"{"for": "15m"}"#.utf8), approve: true) == AdminDecisionBody(grantFor: "15m"))
        #expect(try ApprovalRoutes.parseDecisionBody(Array(#"{"reason": "not now"}"#.utf8), approve: false)
            == AdminDecisionBody(reason: "not now"))
        #expect(try ApprovalRoutes.parseDecisionBody(Array(#"{"reason": "caf\u00e9 \ud83d\ude00"}"#.utf8), approve: false)
            == AdminDecisionBody(reason: "café 😀"))
    }

    @Test("a body that is not one flat JSON object of known keys is a 400 that says why")
    func badBody() throws {
        let cases: [(body: String, approve: Bool, says: String)] = [
            ("15m", true, "must be a JSON object"),
            ("[1]", true, "must be a JSON object"),
            ("{", true, "must be a JSON object"),
            (#"{"for": "15m"} {}"#, true, "must be a JSON object"),
            (#"{"for": 15}"#, true, "'for': expected text in quotes"),
            (#"{"for": null}"#, true, "'for': expected text in quotes"),
            // Two values for one key, however the second is spelled: which one would count?
            (#"{"for": "1m", "for": "8h"}"#, true, "'for' appears more than once"),
            (#"{"for": "1m", "f\u006fr": "8h"}"#, true, "'for' appears more than once"),
            // A key that does nothing here is a mistake the approver should hear about.
            (#"{"fro": "15m"}"#, true, "unknown key 'fro'"),
            (#"{"reason": "x"}"#, true, "unknown key 'reason'"),
            (#"{"for": "15m"}"#, false, "unknown key 'for'"),
            (#"{"reason": "\ud800"}"#, false, "must be a JSON object"),
            (#"{"reason": "a\u001b[31mred"}"#, false, "control and format characters"),
            (#"{"reason": "\u202egnp.exe"}"#, false, "control and format characters"),
            (#"{"reason": "\#(String(repeating: "x", count: 1001))"}"#, false, "at most 1000 characters"),
        ]
        for (body, approve, says) in cases {
            let error = try #require(throws: AdminError.self) { try ApprovalRoutes.parseDecisionBody(Array(body.utf8), approve: approve) }
            #expect(error.status == .badRequest)
            #expect(error.message.contains(says), "\(body.prefix(60)): \(error.message)")
        }
        // Bytes that are not UTF-8 inside a string.
        let invalid = Array(#"{"reason": ""#.utf8) + [0xFF, 0xFE] + Array(#""}"#.utf8)
        #expect(throws: AdminError.self) { try ApprovalRoutes.parseDecisionBody(invalid, approve: false) }
    }

    @Test("what a client sent is echoed quoted, escaped and short")
    func quoting() {
        #expect(AdminInput.quoted("abc") == "'abc'")
        #expect(AdminInput.quoted("a\u{1B}[2Jb") == #"'a\u{1B}[2Jb'"#)
        #expect(AdminInput.quoted("it's") == #"'it\'s'"#)
        #expect(AdminInput.quoted(String(repeating: "x", count: 10_000)) == "'" + String(repeating: "x", count: 64) + "…'")
    }

    @Test("whole numbers are plain ASCII digits within their range")
    func wholeNumbers() throws {
        #expect(try AdminInput.wholeNumber("limit", nil, in: 1...10) == nil)
        #expect(try AdminInput.wholeNumber("limit", "7", in: 1...10) == 7)
        #expect(try AdminInput.wholeNumber("after", "9223372036854775807", in: 0...Int64.max) == Int64.max)
        for bad in ["", "+5", "-1", " 5", "5 ", "0x5", "5e0", "\u{665}", "11", "9223372036854775808", String(repeating: "9", count: 400)] {
            #expect(throws: AdminError.self, "\(bad.prefix(20))") { try AdminInput.wholeNumber("limit", bad, in: 1...10) }
        }
    }

    @Test("the broker's refusals map to 404 and 403 with its words")
    func approvalErrors() {
        #expect(AdminError(ApprovalError.notFound("a1")).status == .notFound)
        #expect(AdminError(ApprovalError.notAnApprover("a1")).status == .forbidden)
        let long = AdminError(ApprovalError.grantTooLong(id: "a1", connection: "orders", maximumSeconds: 8 * 3600))
        #expect(long.status == .badRequest)
        #expect(long.message == "for: at most 8h on connection 'orders' (its approvals.max_grant); approval 'a1' is still pending")
        let own = AdminError(ApprovalError.selfApproval("a1"))
        #expect(own.status == .forbidden)
        #expect(own.message == "approval 'a1' is your own request: someone else must decide on it")
    }

    @Test("limit and since are checked before the store is asked")
    func queryParameters() throws {
        #expect(try SessionRoutes.limit(nil) == 50)
        #expect(try SessionRoutes.limit("10") == 10)
        for bad in ["0", "-1", "ten", "100000", "+10", "1e3"] {
            #expect(throws: AdminError.self) { try SessionRoutes.limit(bad) }
        }
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        #expect(try AuditRoutes.since(nil) == nil)
        #expect(try AuditRoutes.since("1h", now: now) == now.addingTimeInterval(-3600))
        #expect(try AuditRoutes.since("2027-01-15T08:00:00Z") == now)
        #expect(throws: AdminError.self) { try AuditRoutes.since("yesterday") }
        let huge = try #require(throws: AdminError.self) { try AuditRoutes.since("99999999999999d") }
        #expect(huge.status == .badRequest && huge.message.contains("36500d (100 years)"), "\(huge.message)")
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
