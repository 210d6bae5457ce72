import CWardenPlugin
import Testing

@testable import WardenPluginSDK

/// Decoding host completions fails closed: only an explicit OK + ALLOW allows.
@Suite struct CompletionDecodingTests {
    func decision(status: warden_status, verdict: UInt32, message: String = "") throws -> Completion {
        var text = Array(message.utf8)
        return try text.withUnsafeMutableBufferPointer { buffer in
            var completion = warden_completion()
            completion.size = UInt32(MemoryLayout<warden_completion>.size)
            completion.kind = WARDEN_COMPLETION_DECISION.rawValue
            completion.request_id = 7
            completion.status = status.rawValue
            completion.verdict = verdict
            completion.action_id = 42
            completion.message = warden_bytes(data: buffer.baseAddress, length: buffer.count)
            return try Completion(completion)
        }
    }

    @Test func anExplicitAllowAllows() throws {
        #expect(try decision(status: WARDEN_OK, verdict: WARDEN_VERDICT_ALLOW.rawValue)
            == .decided(7, .allow(actionID: 42, approvalID: nil)))
    }

    @Test func aDenyCarriesItsReason() throws {
        #expect(try decision(status: WARDEN_DENIED, verdict: WARDEN_VERDICT_DENY.rawValue, message: "no DDL")
            == .decided(7, .deny(reason: "no DDL")))
    }

    /// ABI 1.3: the host could not decide (the audit store is unavailable).
    @Test func anUnavailableStatusIsItsOwnRefusal() throws {
        #expect(try decision(status: WARDEN_UNAVAILABLE, verdict: WARDEN_VERDICT_DENY.rawValue, message: "the audit store is unavailable")
            == .decided(7, .unavailable(reason: "the audit store is unavailable")))
        // Even with ALLOW: only OK allows.
        #expect(try decision(status: WARDEN_UNAVAILABLE, verdict: WARDEN_VERDICT_ALLOW.rawValue)
            == .decided(7, .unavailable(reason: "the gateway cannot decide now")))
    }

    @Test func anEndingCarriesItsReasonAndMessage() {
        var text = Array("the sign-in token expired".utf8)
        let ending = text.withUnsafeMutableBufferPointer { buffer in
            SessionEnding(warden_ending(
                size: UInt32(MemoryLayout<warden_ending>.size), reason: WARDEN_ENDING_TOKEN_EXPIRED.rawValue,
                message: warden_bytes(data: buffer.baseAddress, length: buffer.count)))
        }
        #expect(ending == SessionEnding(reason: .tokenExpired, message: "the sign-in token expired"))
        #expect(SessionEnding(warden_ending(size: 0, reason: 99, message: warden_bytes())).reason.rawValue == 99)
    }

    @Test func anUnknownVerdictDenies() throws {
        #expect(try decision(status: WARDEN_OK, verdict: 99) == .decided(7, .deny(reason: "denied by policy")))
    }

    @Test func allowWithAFailedStatusDenies() throws {
        #expect(try decision(status: WARDEN_INTERNAL, verdict: WARDEN_VERDICT_ALLOW.rawValue)
            == .decided(7, .deny(reason: "denied by policy")))
    }

    @Test func aPendingDecisionCarriesTheApprovalAndMessage() throws {
        var text = Array("held for approval 0123456789ab".utf8)
        var id = Array("0123456789ab".utf8)
        let completion = try text.withUnsafeMutableBufferPointer { message in
            try id.withUnsafeMutableBufferPointer { approval in
                var completion = warden_completion()
                completion.size = UInt32(MemoryLayout<warden_completion>.size)
                completion.kind = WARDEN_COMPLETION_DECISION_PENDING.rawValue
                completion.request_id = 7
                completion.message = warden_bytes(data: message.baseAddress, length: message.count)
                completion.approval_id = warden_bytes(data: approval.baseAddress, length: approval.count)
                return try Completion(completion)
            }
        }
        #expect(completion == .decisionPending(7, approvalID: "0123456789ab", message: "held for approval 0123456789ab"))
    }

    @Test func aWakeCarriesItsRequest() throws {
        var completion = warden_completion()
        completion.size = UInt32(MemoryLayout<warden_completion>.size)
        completion.kind = WARDEN_COMPLETION_WAKE.rawValue
        completion.request_id = 42
        #expect(try Completion(completion) == .woken(42))
    }

    @Test func anUnknownStatusCodeIsAnInternalFailure() {
        #expect(HostStatus(code: 1234) == .internal)
    }

    @Test func anUnknownCompletionKindIsAnError() {
        var completion = warden_completion()
        completion.size = UInt32(MemoryLayout<warden_completion>.size)
        completion.kind = 77
        #expect(throws: (any Error).self) { try Completion(completion) }
    }
}
