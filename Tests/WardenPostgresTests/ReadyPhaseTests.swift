import Testing
@testable import WardenPostgres

@Suite("Session: ready phase")
struct ReadyPhaseTests {
    func readyHarness() -> SessionHarness {
        var harness = SessionHarness()
        _ = harness.startReady()
        return harness
    }

    static let selectResult = Upstream.rowDescription("n") + Upstream.dataRow("1") + Upstream.dataRow("2")
        + Upstream.commandComplete("SELECT 2") + BackendMessages.readyForQuery(.idle)

    @Test func holdsAQueryForTheVerdictThenForwardsTheExactBytes() {
        var harness = readyHarness()
        let query = FrontendMessages.query("select n from t")
        #expect(harness.machine.clientData(query) == [.decide(statement: "select n from t")])
        #expect(harness.machine.isClientInputBlocked)
        #expect(harness.machine.decided(.allow()) == [.sendToUpstream(query)])

        let result = harness.machine.upstreamData(Self.selectResult)
        #expect(result == [
            .sendToClient(Self.selectResult),
            .statementFinished(rows: 2, commandTags: ["SELECT 2"], error: nil, result: nil),
        ])
    }

    @Test func relaysTheSameWayWhateverTheChunking() {
        for split in 0...Self.selectResult.count {
            var harness = readyHarness()
            _ = harness.machine.clientData(FrontendMessages.query("select n from t"))
            _ = harness.machine.decided(.allow())
            let actions = harness.machine.upstreamData(Self.selectResult[..<split])
                + harness.machine.upstreamData(Self.selectResult[split...])
            #expect(actions.toClient == Self.selectResult, "split at \(split)")
            #expect(actions.filter { if case .statementFinished = $0 { true } else { false } }
                == [.statementFinished(rows: 2, commandTags: ["SELECT 2"], error: nil, result: nil)], "split at \(split)")
        }
    }

    @Test func deniesWithAnErrorAndStaysUsable() {
        var harness = readyHarness()
        _ = harness.machine.clientData(FrontendMessages.query("drop table t"))
        let denied = harness.machine.decided(.deny(reason: "DROP is not allowed for analysts"))
        #expect(denied == [.sendToClient(
            BackendMessages.errorResponse(.error, code: "42501", message: "DROP is not allowed for analysts")
            + BackendMessages.readyForQuery(.idle))])
        #expect(harness.machine.clientData(FrontendMessages.query("select 1")) == [.decide(statement: "select 1")])
        #expect(harness.machine.decided(.allow()) == [.sendToUpstream(FrontendMessages.query("select 1"))])
    }

    @Test func tellsTheClientAboutAPendingApprovalAndKeepsTheStatementHeld() {
        var harness = readyHarness()
        let query = FrontendMessages.query("update t set a = 1")
        _ = harness.machine.clientData(query)
        let notice = harness.machine.approvalPending(id: "0123456789ab", message: "held for approval 0123456789ab")
        #expect(notice.toClient == BackendMessages.noticeResponse(
            .notice, code: "00000", message: "held for approval 0123456789ab",
            hint: "The statement runs once it is approved; cancel it by closing the session."))
        #expect(!notice.contains { if case .sendToUpstream = $0 { true } else { false } })
        #expect(harness.machine.isClientInputBlocked)
        #expect(harness.machine.decided(.allow()) == [.sendToUpstream(query)])
    }

    @Test func ignoresAPendingApprovalWithoutAHeldStatement() {
        var harness = readyHarness()
        #expect(harness.machine.approvalPending(id: "x", message: "m").toClient.isEmpty)
    }

    @Test func reportsTheTransactionStatusOfTheLastReadyForQuery() {
        var harness = readyHarness()
        _ = harness.machine.clientData(FrontendMessages.query("begin"))
        _ = harness.machine.decided(.allow())
        _ = harness.machine.upstreamData(Upstream.error("22012", "division by zero") + BackendMessages.readyForQuery(.failed))
        _ = harness.machine.clientData(FrontendMessages.query("delete from t"))
        let denied = harness.machine.decided(.deny(reason: "no"))
        // Already failed: nothing upstream needs to know (see RefusalTransactionTests).
        #expect(denied.toUpstream.isEmpty)
        #expect(Bytes.messages(denied.toClient).last?.bytes == BackendMessages.readyForQuery(.failed))
    }

    @Test func queuesClientMessagesWhileAStatementIsPending() {
        var harness = readyHarness()
        let first = FrontendMessages.query("select 1")
        let second = FrontendMessages.query("select 2")
        // Both in one chunk: only the first is shown to the policy.
        #expect(harness.machine.clientData(first + second) == [.decide(statement: "select 1")])
        #expect(harness.machine.decided(.allow()) == [.sendToUpstream(first)])
        // The second waits for the first one's ReadyForQuery, even though its verdict could come sooner.
        let result = harness.machine.upstreamData(Upstream.commandComplete("SELECT 1") + BackendMessages.readyForQuery(.idle))
        #expect(result == [
            .sendToClient(Upstream.commandComplete("SELECT 1") + BackendMessages.readyForQuery(.idle)),
            .statementFinished(rows: 0, commandTags: ["SELECT 1"], error: nil, result: nil),
            .decide(statement: "select 2"),
        ])
        // Input arriving during a verdict is queued the same way.
        #expect(harness.machine.clientData(FrontendMessages.query("select 3")).isEmpty)
        #expect(harness.machine.decided(.deny(reason: "no")) == [
            .sendToClient(BackendMessages.errorResponse(.error, code: "42501", message: "no")
                + BackendMessages.readyForQuery(.idle)),
            .decide(statement: "select 3"),
        ])
    }

    @Test func refusesFunctionCallsWithAnImmediateReadyForQuery() {
        var harness = readyHarness()
        let call = MessageWriter.message(UInt8(ascii: "F")) { out in
            out.appendInt32(1); out.appendInt16(0); out.appendInt16(0); out.appendInt16(0)
        }
        let actions = harness.machine.clientData(call)
        #expect(Bytes.types(actions.toClient) == "EZ")
        #expect(actions.clientError?.code == "0A000")
    }

    @Test func forwardsCopyDataWhileTheCopyStatementRuns() {
        var harness = readyHarness()
        _ = harness.machine.clientData(FrontendMessages.query("copy t from stdin"))
        _ = harness.machine.decided(.allow())
        let copyIn = MessageWriter.message(UInt8(ascii: "G")) { out in out.append(0); out.appendInt16(0) }
        #expect(harness.machine.upstreamData(copyIn) == [.sendToClient(copyIn)])
        let data = MessageWriter.message(UInt8(ascii: "d")) { $0.append(contentsOf: Bytes.ascii("1\n2\n")) }
        let done = MessageWriter.message(UInt8(ascii: "c")) { _ in }
        #expect(harness.machine.clientData(data + done) == [.sendToUpstream(data + done)])
        let finished = harness.machine.upstreamData(Upstream.commandComplete("COPY 2") + BackendMessages.readyForQuery(.idle))
        #expect(finished.last == .statementFinished(rows: 0, commandTags: ["COPY 2"], error: nil, result: nil))
    }

    @Test func capturesTheFirstUpstreamError() {
        var harness = readyHarness()
        _ = harness.machine.clientData(FrontendMessages.query("select * from missing"))
        _ = harness.machine.decided(.allow())
        let actions = harness.machine.upstreamData(Upstream.error("42P01", "relation \"missing\" does not exist")
            + BackendMessages.readyForQuery(.idle))
        #expect(actions.last == .statementFinished(
            rows: 0, commandTags: [], error: StatementError(code: "42P01", message: "relation \"missing\" does not exist"),
            result: nil))
        #expect(actions.toClient.count > 0)
    }

    @Test func dropsABackendKeyDataAfterStartup() {
        var harness = readyHarness()
        let actions = harness.machine.upstreamData(Upstream.backendKeyData(1, 2) + Upstream.parameterStatus("TimeZone", "UTC"))
        #expect(actions.toClient == Upstream.parameterStatus("TimeZone", "UTC"))
    }

    @Test func terminatesBothSides() {
        var harness = readyHarness()
        #expect(harness.machine.clientData(FrontendMessages.terminate()).withoutLogs == [
            .sendToUpstream(FrontendMessages.terminate()), .closeClient, .closeUpstream,
        ])
        #expect(harness.machine.phase == .closed)
        #expect(harness.machine.clientClosed().isEmpty)
        #expect(harness.machine.upstreamClosed().isEmpty)
    }

    @Test func mapsCancelKeysForTheSessionsLifetime() throws {
        var harness = SessionHarness()
        let started = harness.startReady(upstreamKey: BackendKey(processID: 4242, secretKey: 777))
        let keyMessage = try #require(Bytes.messages(started.toClient).first { $0.type == UInt8(ascii: "K") })
        let clientKey = try #require(BackendKey(backendKeyData: keyMessage))

        var cancel = PostgresSessionMachine(clientTLSAvailable: true, cancelKeys: harness.cancelKeys)
        #expect(cancel.clientData(FrontendMessages.cancelRequest(clientKey)).withoutLogs == [
            .forwardCancel(connection: "analytics", upstreamProcessID: 4242, upstreamSecretKey: 777,
                           session: SessionHarness.hostSession),
            .closeClient,
        ])

        _ = harness.machine.clientClosed()
        var late = PostgresSessionMachine(clientTLSAvailable: true, cancelKeys: harness.cancelKeys)
        #expect(late.clientData(FrontendMessages.cancelRequest(clientKey)).withoutLogs == [.closeClient])
    }

    @Test func tellsTheClientWhenTheUpstreamGoesAway() {
        var harness = readyHarness()
        let actions = harness.machine.upstreamClosed()
        #expect(actions.clientError?.code == "57P01")
        #expect(actions.withoutLogs.last == .closeClient)
        #expect(!actions.withoutLogs.contains(.closeUpstream))

        var fatal = readyHarness()
        _ = fatal.machine.upstreamData(Upstream.error("57P01", "terminating connection", severity: .fatal))
        #expect(fatal.machine.upstreamClosed().withoutLogs == [.closeClient])
    }

    @Test func terminatesTheUpstreamWhenTheClientGoesAway() {
        var harness = readyHarness()
        #expect(harness.machine.clientClosed().withoutLogs == [
            .sendToUpstream(FrontendMessages.terminate()), .closeUpstream,
        ])
        #expect(harness.machine.decided(.allow()).isEmpty)
    }

    @Test func rejectsInvalidStatementText() {
        var harness = readyHarness()
        let invalid = MessageWriter.message(UInt8(ascii: "Q")) { $0.append(contentsOf: [0xC3, 0x28, 0]) }
        let actions = harness.machine.clientData(invalid)
        #expect(actions.clientError?.code == "22021")
        #expect(Bytes.types(actions.toClient) == "EZ")

        // Text after the NUL would be invisible to the policy.
        let smuggled = MessageWriter.message(UInt8(ascii: "Q")) { $0.append(contentsOf: Bytes.ascii("select 1\0drop table t\0")) }
        #expect(harness.machine.clientData(smuggled).clientError?.code == "08P01")
    }

    @Test func endsTheSessionOnUnknownMessages() {
        var harness = readyHarness()
        let actions = harness.machine.clientData(MessageWriter.message(UInt8(ascii: "?")) { _ in })
        #expect(actions.clientError?.code == "08P01")
        #expect(actions.withoutLogs.suffix(3) == [.closeClient, .sendToUpstream(FrontendMessages.terminate()), .closeUpstream])
    }

    @Test func endsTheSessionWhenAClientFloodsWhileHeld() {
        var limits = PostgresSessionLimits()
        limits.maxPendingClientBytes = 1_000
        var harness = SessionHarness()
        harness.machine = PostgresSessionMachine(clientTLSAvailable: true, cancelKeys: harness.cancelKeys, limits: limits)
        _ = harness.startReady()
        _ = harness.machine.clientData(FrontendMessages.query("select 1"))
        let flood = (0..<100).flatMap { _ in FrontendMessages.query("select 2") }
        #expect(harness.machine.clientData(flood).clientError?.code == "54000")
    }
}
