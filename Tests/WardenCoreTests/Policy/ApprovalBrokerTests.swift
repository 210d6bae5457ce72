import Foundation
import Synchronization
import Testing
@testable import WardenCore

/// Held actions: each ends exactly once, and only an approver other than the requester decides.
@Suite struct ApprovalBrokerTests {
    final class Outcomes: Sendable {
        let values = Mutex<[ApprovalOutcome]>([])
        let events = Mutex<[String]>([])
        var all: [ApprovalOutcome] { values.withLock { $0 } }
    }

    func request(_ id: String = "a1", requester: String = "alice", className: String = "write",
                 targets: [String] = ["orders"]) -> ApprovalRequest {
        ApprovalRequest(
            id: id, connection: "orders", sessionID: "s1", requester: requester, text: "UPDATE orders SET x = 1",
            className: className, risk: "high", targets: targets, reason: "risky", approvers: ["dba"],
            requestedAt: Date(), expiresAt: Date().addingTimeInterval(300))
    }

    func broker(_ outcomes: Outcomes) -> ApprovalBroker {
        ApprovalBroker { event in
            switch event {
            case .requested(let request): outcomes.events.withLock { $0.append("requested \(request.id)") }
            case .decided(let request, let outcome): outcomes.events.withLock { $0.append("\(outcome.name) \(request.id)") }
            }
        }
    }

    func input(_ className: String = "write", _ targets: [String] = ["public.Orders"], _ risk: RiskLevel = .high,
               command: String = "UPDATE") -> PolicyInput {
        PolicyInput(className: className, risk: risk, targets: targets, text: "", command: command)
    }

    func hold(_ broker: ApprovalBroker, _ outcomes: Outcomes, _ request: ApprovalRequest, timeout: Duration = .seconds(300)) {
        broker.request(request, input: input("write", request.targets), timeout: timeout) { outcome in
            outcomes.values.withLock { $0.append(outcome) }
        }
    }

    @Test func anApproverOtherThanTheRequesterApprovesOnce() throws {
        let outcomes = Outcomes()
        let broker = broker(outcomes)
        hold(broker, outcomes, request())
        #expect(broker.pending().map(\.id) == ["a1"])
        try broker.decide("a1", approver: "bob", groups: ["dba"], approve: true)
        #expect(throws: ApprovalError.notFound("a1")) {
            try broker.decide("a1", approver: "carol", groups: ["dba"], approve: true)
        }
        #expect(outcomes.all == [.approved(by: "bob", grantFor: nil)])
        #expect(broker.pending().isEmpty)
        #expect(outcomes.events.withLock { $0 } == ["requested a1", "approved a1"])
    }

    @Test func nobodyApprovesTheirOwnRequestOrOutsideTheApproverGroups() {
        let outcomes = Outcomes()
        let broker = broker(outcomes)
        hold(broker, outcomes, request(requester: "alice"))
        #expect(throws: ApprovalError.selfApproval("a1")) {
            try broker.decide("a1", approver: "alice", groups: ["dba"], approve: true)
        }
        #expect(throws: ApprovalError.notAnApprover("a1")) {
            try broker.decide("a1", approver: "mallory", groups: ["analysts"], approve: true)
        }
        #expect(outcomes.all.isEmpty, "a refused decision leaves the request pending")
        #expect(broker.pending().count == 1)
    }

    @Test func aGrantLongerThanTheConnectionAllowsIsRefusedAndTheRequestStaysPending() throws {
        let outcomes = Outcomes()
        let broker = broker(outcomes)
        var capped = request()
        capped.maxGrantSeconds = 8 * 3600
        hold(broker, outcomes, capped)
        #expect(throws: ApprovalError.grantTooLong(id: "a1", connection: "orders", maximumSeconds: 8 * 3600)) {
            try broker.decide("a1", approver: "bob", groups: ["dba"], approve: true, grantFor: .seconds(8 * 3600 + 1))
        }
        #expect(outcomes.all.isEmpty)
        #expect(broker.pending().map(\.id) == ["a1"])
        // A denial carries no grant, and the cap itself is allowed.
        try broker.decide("a1", approver: "bob", groups: ["dba"], approve: true, grantFor: .seconds(8 * 3600))
        #expect(outcomes.all == [.approved(by: "bob", grantFor: .seconds(8 * 3600))])
    }

    @Test func aDenialCarriesTheApproverAndReason() throws {
        let outcomes = Outcomes()
        let broker = broker(outcomes)
        hold(broker, outcomes, request())
        try broker.decide("a1", approver: "bob", groups: ["dba"], approve: false, reason: "not during business hours")
        #expect(outcomes.all == [.denied(by: "bob", reason: "not during business hours")])
    }

    @Test func anUndecidedRequestExpires() async throws {
        let outcomes = Outcomes()
        let broker = broker(outcomes)
        hold(broker, outcomes, request(), timeout: .milliseconds(20))
        while outcomes.all.isEmpty { try await Task.sleep(for: .milliseconds(10)) }
        #expect(outcomes.all == [.expired])
        #expect(throws: ApprovalError.notFound("a1")) {
            try broker.decide("a1", approver: "bob", groups: ["dba"], approve: true)
        }
    }

    @Test func aWithdrawnRequestCannotBeApprovedLater() {
        let outcomes = Outcomes()
        let broker = broker(outcomes)
        hold(broker, outcomes, request())
        broker.withdraw("a1")
        broker.withdraw("a1")
        #expect(outcomes.all == [.withdrawn])
        #expect(throws: ApprovalError.notFound("a1")) {
            try broker.decide("a1", approver: "bob", groups: ["dba"], approve: true)
        }
    }

    @Test func aGrantCoversTheSameKindOfActionForItsWindow() throws {
        let outcomes = Outcomes()
        let broker = broker(outcomes)
        hold(broker, outcomes, request(targets: ["public.Orders"]))
        try broker.decide("a1", approver: "bob", groups: ["dba"], approve: true, grantFor: .seconds(900))
        #expect(broker.grant(requester: "alice", connection: "orders", input: input("write", ["public.orders"], .high)) == "a1")
        #expect(broker.grant(requester: "alice", connection: "orders", input: input("write", ["public.orders"], .medium)) == "a1")
        #expect(broker.grant(requester: "alice", connection: "orders", input: input("write", ["public.orders"], .critical)) == nil,
                "a riskier action asks again")
        #expect(broker.grant(requester: "bob", connection: "orders", input: input("write", ["public.orders"], .high)) == nil)
        #expect(broker.grant(requester: "alice", connection: "orders", input: input("ddl", ["public.orders"], .high)) == nil)
        #expect(broker.grant(requester: "alice", connection: "orders", input: input("write", ["payments"], .high)) == nil)
        #expect(broker.grant(requester: "alice", connection: "orders", input: input("write", ["public.orders"], .high, command: "DELETE")) == nil,
                "another command asks again")
    }

    /// Red team: a window granted for one DO block let any other run; what
    /// an unknown action does is not in its description.
    @Test func aGrantNeverCoversAnUnknownAction() throws {
        let outcomes = Outcomes()
        let broker = broker(outcomes)
        hold(broker, outcomes, request(className: "unknown", targets: []))
        try broker.decide("a1", approver: "bob", groups: ["dba"], approve: true, grantFor: .seconds(900))
        #expect(broker.grant(requester: "alice", connection: "orders", input: input("unknown", [], .critical, command: "DO")) == nil)
    }

    @Test func aGrantEndsWithItsWindow() async throws {
        let outcomes = Outcomes()
        let broker = broker(outcomes)
        hold(broker, outcomes, request())
        try broker.decide("a1", approver: "bob", groups: ["dba"], approve: true, grantFor: .milliseconds(10))
        try await Task.sleep(for: .milliseconds(30))
        #expect(broker.grant(requester: "alice", connection: "orders", input: input("write", ["orders"], .high)) == nil)
    }

    @Test func anApprovalWithoutAWindowGrantsNothing() throws {
        let outcomes = Outcomes()
        let broker = broker(outcomes)
        hold(broker, outcomes, request())
        try broker.decide("a1", approver: "bob", groups: ["dba"], approve: true)
        #expect(broker.grant(requester: "alice", connection: "orders", input: input("write", ["orders"], .high)) == nil)
    }

    @Test func idsAreTwelveHexDigits() {
        let id = ApprovalBroker.makeID()
        #expect(id.count == 12)
        #expect(id.allSatisfy { $0.isHexDigit })
    }
}
