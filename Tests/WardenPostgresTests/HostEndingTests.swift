import Testing
@testable import WardenPostgres

/// The host ends sessions on its own (ABI 1.3) and refuses statements it
/// cannot record: each gets its own PostgreSQL answer.
@Suite("Session: ended or refused by the host")
struct HostEndingTests {
    func readyHarness() -> SessionHarness {
        var harness = SessionHarness()
        _ = harness.startReady()
        return harness
    }

    @Test func anExpiredTokenEndsTheSessionWithFatal28000() {
        var harness = readyHarness()
        let actions = harness.machine.endedByHost(code: "28000", message: "the sign-in token expired at 2026-11-25T10:00:00Z")
        #expect(actions.withoutLogs == [
            .sendToClient(BackendMessages.errorResponse(
                .fatal, code: "28000", message: "the sign-in token expired at 2026-11-25T10:00:00Z")),
            .closeClient,
            .sendToUpstream(FrontendMessages.terminate()),
            .closeUpstream,
        ])
        // Nothing the client sends afterwards reaches the upstream.
        #expect(harness.machine.clientData(FrontendMessages.query("select 1")).isEmpty)
    }

    @Test func aHeldStatementIsDroppedWhenTheSessionEnds() {
        var harness = readyHarness()
        _ = harness.machine.clientData(FrontendMessages.query("update t set a = 1"))
        let actions = harness.machine.endedByHost(code: "57P01", message: "the session reached its maximum length")
        #expect(!actions.contains { if case .sendToUpstream(let bytes) = $0 { bytes == FrontendMessages.query("update t set a = 1") } else { false } })
        // A verdict arriving after the end changes nothing.
        #expect(harness.machine.decided(.allow()).withoutLogs.isEmpty)
    }

    @Test func anEndAfterTheSessionClosedDoesNothing() {
        var harness = readyHarness()
        _ = harness.machine.clientClosed()
        #expect(harness.machine.endedByHost(code: "28000", message: "expired").isEmpty)
    }

    @Test func aStatementTheHostCannotRecordIsRefusedWith58030AndTheSessionGoesOn() {
        var harness = readyHarness()
        _ = harness.machine.clientData(FrontendMessages.query("select 1"))
        let refused = harness.machine.decided(.unavailable(reason: "the audit store is unavailable"))
        #expect(refused == [.sendToClient(
            BackendMessages.errorResponse(.error, code: "58030", message: "the audit store is unavailable")
            + BackendMessages.readyForQuery(.idle))])
        #expect(harness.machine.clientData(FrontendMessages.query("select 2")) == [.decide(statement: "select 2")])
    }
}
