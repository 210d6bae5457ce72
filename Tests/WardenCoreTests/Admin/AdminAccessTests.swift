import Foundation
import Testing

@testable import WardenCore

@Suite("Admin API: who may use what")
struct AdminAccessTests {
    let access = AdminAccess(adminGroups: ["security"], approverGroups: ["dba", "payments-leads"])

    func identity(_ subject: String, _ groups: [String]) -> Identity {
        Identity(subject: subject, groups: groups, issuer: "test", expiresAt: .distantFuture)
    }

    func request(approvers: [String], requester: String = "alice") -> ApprovalRequest {
        ApprovalRequest(
            id: "a1", connection: "orders", sessionID: "s1", requester: requester, text: "UPDATE t SET x = 1",
            className: "write", risk: "high", targets: ["t"], reason: "every row", approvers: approvers,
            requestedAt: Date(), expiresAt: Date().addingTimeInterval(300))
    }

    @Test("records are for admin groups only")
    func records() {
        #expect(access.refusal(.records, for: identity("sam", ["security"])) == nil)
        #expect(access.refusal(.records, for: identity("sam", ["staff", "security"])) == nil)
        let approver = access.refusal(.records, for: identity("bob", ["dba"]))
        #expect(approver == "'bob' is not in admin.groups (security), which may read sessions and the audit trail")
        #expect(access.refusal(.records, for: identity("nobody", [])) != nil)
    }

    @Test("approvals are for approvers of any connection, and for admins")
    func approvals() {
        #expect(access.refusal(.approvals, for: identity("bob", ["dba"])) == nil)
        #expect(access.refusal(.approvals, for: identity("pat", ["payments-leads"])) == nil)
        #expect(access.refusal(.approvals, for: identity("sam", ["security"])) == nil)
        let analyst = access.refusal(.approvals, for: identity("carol", ["analysts"]))
        #expect(analyst == "'carol' is not in a group that approves statements on any connection (dba, payments-leads) nor in admin.groups (security)")
    }

    @Test("approvers see the requests they may decide on; admins see every one")
    func visibility() {
        let orders = request(approvers: ["dba"])
        let payments = request(approvers: ["payments-leads"])
        let bob = identity("bob", ["dba"])
        #expect(access.maySee(orders, bob))
        #expect(!access.maySee(payments, bob))
        let sam = identity("sam", ["security"])
        #expect(access.maySee(orders, sam) && access.maySee(payments, sam))
    }

    @Test("the approver groups come from every connection's approvals section")
    func fromConfiguration() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("warden-access-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("warden.yaml").path
        try """
            listeners: [{ name: pg, protocol: postgres, address: 127.0.0.1:6432 }]
            identity: { dev_issuer: { enabled: true } }
            connections:
              - name: orders
                protocol: postgres
                upstream: { host: 127.0.0.1, port: 5432, user: app }
                allow_groups: [analysts]
                rules: [{ match: { risk: high }, action: approve }]
                approvals: { approvers: [dba, leads] }
              - name: reports
                protocol: postgres
                upstream: { host: 127.0.0.1, port: 5432, user: app }
                allow_groups: [analysts]
            admin: { address: 127.0.0.1:8081, groups: [security] }
            """.write(toFile: path, atomically: true, encoding: .utf8)
        let config = try WardenConfig.load(path: path)
        let access = AdminAccess(admin: try #require(config.admin), connections: config.connections)
        #expect(access.adminGroups == ["security"])
        #expect(access.approverGroups == ["dba", "leads"])
    }
}
