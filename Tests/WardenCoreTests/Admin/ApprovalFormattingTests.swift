import Foundation
import Testing

@testable import WardenCore

@Suite("Approvals on the terminal")
struct ApprovalFormattingTests {
    func approval(text: String) -> ApprovalRequest {
        ApprovalRequest(
            id: "0a1b2c3d4e5f", connection: "orders", sessionID: "s1", requester: "alice", text: text,
            className: "write", risk: "high", targets: ["t"], reason: "UPDATE without WHERE affects every row",
            approvers: ["dba"], requestedAt: Date(timeIntervalSince1970: 1_800_000_000),
            expiresAt: Date(timeIntervalSince1970: 1_800_000_300))
    }

    @Test("the table lines up, shortens long statements and keeps one line each")
    func table() {
        let long = "UPDATE customers\n   SET city = 'Paris', email = NULL, name = upper(name)   -- every row"
        let text = ApprovalFormatting.table([approval(text: "UPDATE t SET x = 1"), approval(text: long)])
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 3)
        #expect(lines[0].hasPrefix("ID            REQUESTED             REQUESTER  CONNECTION  RISK  CLASS  TEXT"))
        #expect(lines[1].hasPrefix("0a1b2c3d4e5f  2027-01-15 08:00:00Z  alice      orders      high  write  UPDATE t SET x = 1 "))
        #expect(lines[1].hasSuffix("UPDATE without WHERE affects every row"))
        #expect(lines[2].contains("UPDATE customers SET city = 'Paris', email = NU…"))
        #expect(ApprovalFormatting.table([]) == "no pending approvals")
    }

    @Test("show prints the whole statement, line by line, with control characters made visible")
    func details() {
        let text = "UPDATE customers\n   SET city = 'Paris', email = NULL, name = upper(name)   -- every row \u{1B}[8m hidden"
        let shown = ApprovalFormatting.details(approval(text: text))
        #expect(shown.hasPrefix("id:         0a1b2c3d4e5f\nrequested:  2027-01-15 08:00:00Z\n"), "\(shown)")
        #expect(shown.contains("\ntargets:    t\n"), "\(shown)")
        #expect(shown.contains("\nreason:     UPDATE without WHERE affects every row\n"), "\(shown)")
        #expect(shown.hasSuffix("statement:\n  UPDATE customers\n     SET city = 'Paris', email = NULL, name = upper(name)   -- every row \\x1B[8m hidden"),
                "\(shown)")
    }

    @Test("a decision is one line: what, whose, and any grant")
    func decisions() {
        let approved = AdminDecisionResult(approval: approval(text: "UPDATE t SET x = 1"), outcome: "approved",
                                           decidedBy: "bob", grantForSeconds: 900)
        #expect(ApprovalFormatting.decision(approved) == "approved 0a1b2c3d4e5f (alice on orders: UPDATE t SET x = 1); alice may run the same kind of statement for 15m without asking")
        let denied = AdminDecisionResult(approval: approval(text: "UPDATE t SET x = 1"), outcome: "denied",
                                         decidedBy: "bob", reason: "use a WHERE")
        #expect(ApprovalFormatting.decision(denied) == "denied 0a1b2c3d4e5f (alice on orders: UPDATE t SET x = 1): use a WHERE")
    }

    @Test("the JSON keys are snake_case and the dates ISO 8601, both ways")
    func json() throws {
        let data = try AdminJSON.encoder().encode(approval(text: "UPDATE t SET x = 1"))
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains(#""class_name":"write""#))
        #expect(text.contains(#""requested_at":"2027-01-15T08:00:00Z""#))
        #expect(text.contains(#""session_id":"s1""#))
        #expect(try AdminJSON.decoder().decode(ApprovalRequest.self, from: data) == approval(text: "UPDATE t SET x = 1"))
    }
}
