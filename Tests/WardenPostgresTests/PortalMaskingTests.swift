import Testing
@testable import WardenPostgres

/// Each portal's rows are masked with its own fields: Warden describes the
/// portal right before executing it, whatever the client described
/// (issue 10: an Execute without Describe was masked with the previous
/// statement's columns).
@Suite("Session: masking per portal")
struct PortalMaskingTests {
    typealias Extended = ExtendedProtocolTests

    @Test func anExecuteWithoutDescribeIsMaskedWithItsOwnFields() {
        let masker = MaskingTests.FakeMasker()
        var harness = SessionHarness(fieldMasker: masker)
        harness.credentials.masking = true
        _ = harness.startReady()

        // The client described a harmless statement, then executes another without describing it.
        let first = FrontendMessages.parse("select name from people", name: "a") + Extended.bind(statement: "a")
            + Extended.describePortal + FrontendMessages.sync()
        _ = harness.machine.clientData(first)
        _ = harness.machine.decided(.allow(actionID: 1))
        _ = harness.machine.upstreamData(Extended.parseComplete + Extended.bindComplete + Upstream.rowDescription("name")
            + BackendMessages.readyForQuery(.idle))

        let second = FrontendMessages.parse("select ssn from people", name: "b") + Extended.bind(statement: "b")
            + Extended.execute() + FrontendMessages.sync()
        _ = harness.machine.clientData(second)
        let forwarded = harness.machine.decided(.allow(actionID: 2)).toUpstream
        // Warden's own Describe goes right before the Execute.
        #expect(forwarded == FrontendMessages.parse("select ssn from people", name: "b") + Extended.bind(statement: "b")
            + FrontendMessages.describePortal("") + Extended.execute() + FrontendMessages.sync())

        let ssnField = MessageWriter.message(BackendMessageType.rowDescription) { out in
            out.appendInt16(1)
            out.appendCString("ssn")
            out.appendInt32(0); out.appendInt16(0); out.appendInt32(25); out.appendInt16(-1); out.appendInt32(-1)
            out.appendInt16(0)
        }
        let sent = harness.machine.upstreamData(Extended.parseComplete + Extended.bindComplete + ssnField
            + Upstream.dataRow("123-45-6789") + Upstream.commandComplete("SELECT 1") + BackendMessages.readyForQuery(.idle))
        // The client never sees Warden's RowDescription; the row was offered under its own name.
        #expect(Bytes.types(sent.toClient) == "12DCZ")
        #expect(masker.offered.last?.map(\.name) == ["ssn"])
    }

    @Test func describesAnErrorLeftUnansweredAreForgottenAtSync() {
        let masker = MaskingTests.FakeMasker()
        var harness = SessionHarness(fieldMasker: masker)
        harness.credentials.masking = true
        _ = harness.startReady()
        _ = harness.machine.clientData(FrontendMessages.parse("select 1") + Extended.bind() + Extended.execute()
            + FrontendMessages.sync())
        _ = harness.machine.decided(.allow(actionID: 1))
        #expect(harness.machine.extended.describes.count == 1)
        // The Bind failed: the upstream skips the Describe and the Execute.
        _ = harness.machine.upstreamData(Extended.parseComplete + Upstream.error("22P02", "bad input")
            + BackendMessages.readyForQuery(.idle))
        #expect(harness.machine.extended.describes.isEmpty)
    }

    /// Red team: a Parse the upstream refused (the name was taken by SQL
    /// PREPARE) re-pointed the name at a harmless text, and later Executes
    /// of the real statement ran without approval.
    @Test func aRefusedParseLeavesItsNameAsItWas() {
        var harness = SessionHarness()
        _ = harness.startReady()
        _ = harness.machine.clientData(FrontendMessages.parse("SELECT 1", name: "s") + FrontendMessages.sync())
        _ = harness.machine.decided(.allow(actionID: 1))
        #expect(harness.machine.extended.statements[ExactText("s")] != nil)
        _ = harness.machine.upstreamData(Upstream.error("42P05", "prepared statement \"s\" already exists")
            + BackendMessages.readyForQuery(.idle))
        #expect(harness.machine.extended.statements[ExactText("s")] == nil)
        // Executing it now is decided as what it is, not as SELECT 1.
        let actions = harness.machine.clientData(Extended.bind(statement: "s") + Extended.execute() + FrontendMessages.sync())
        #expect(actions.contains(.decide(statement: "EXECUTE s")))
    }

    @Test func aConfirmedParseKeepsItsName() {
        var harness = SessionHarness()
        _ = harness.startReady()
        _ = harness.machine.clientData(FrontendMessages.parse("SELECT 1", name: "s") + FrontendMessages.sync())
        _ = harness.machine.decided(.allow(actionID: 1))
        _ = harness.machine.upstreamData(Extended.parseComplete + BackendMessages.readyForQuery(.idle))
        #expect(harness.machine.extended.statements[ExactText("s")]?.text == "SELECT 1")
    }

    /// Red team: a cursor DECLAREd in SQL and run by a protocol Execute was
    /// masked with the unnamed statement's plan; it is a FETCH.
    @Test func anExecuteOfACursorIsDecidedAsAFetch() {
        var harness = SessionHarness()
        _ = harness.startReady()
        let actions = harness.machine.clientData(Extended.execute(portal: "c") + FrontendMessages.sync())
        #expect(actions.contains(.decide(statement: #"FETCH FORWARD ALL FROM "c""#)))
    }
}
