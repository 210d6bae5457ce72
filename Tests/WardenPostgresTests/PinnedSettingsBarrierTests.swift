import Testing
@testable import WardenPostgres

/// A Parse pipelined behind code that may have changed a pinned setting
/// waits until the settings are known (issue 10: a function turning
/// `standard_conforming_strings` off mid-batch made the server read the
/// next Parse differently from Warden's parser).
@Suite("Session: pinned settings between pipelined statements")
struct PinnedSettingsBarrierTests {
    typealias Messages = ExtendedProtocolTests

    static let closeComplete = MessageWriter.message(UInt8(ascii: "3")) { _ in }

    /// Parse, Bind, Execute of `first`, then Parse, Bind, Execute of `second`, then Sync.
    static func pipeline(_ first: String, _ second: String) -> [UInt8] {
        FrontendMessages.parse(first) + Messages.bind() + Messages.execute()
            + FrontendMessages.parse(second) + Messages.bind() + Messages.execute() + FrontendMessages.sync()
    }

    /// The nonce of the settings check in bytes sent upstream.
    static func checkNonce(in upstream: [UInt8]) -> String? {
        let text = String(decoding: upstream, as: UTF8.self)
        guard let range = text.range(of: "warden_settings_") else { return nil }
        return String(text[range.upperBound...].prefix(32))
    }

    /// What the upstream answers to the check when the settings are `settings`.
    static func checkAnswer(nonce: String, settings: (String, String) = ("on", "UTF8")) -> [UInt8] {
        Messages.parseComplete + Messages.bindComplete + Upstream.dataRow(values: [settings.0, settings.1, nonce])
            + Upstream.commandComplete("SELECT 1") + closeComplete
    }

    /// Runs the first statement of a pipeline up to the check: returns the
    /// check's nonce, with the second Parse held.
    static func runFirstStatement(_ harness: inout SessionHarness, _ second: String) -> String? {
        _ = harness.machine.clientData(pipeline("select f()", second))
        let sent = harness.machine.decided(.allow(actionID: 1)).toUpstream
        #expect(Bytes.types(sent) == "PBEPBECH", "the first statement, then the check and a Flush")
        #expect(!String(decoding: sent, as: UTF8.self).contains(second), "the second Parse is held")
        #expect(harness.machine.isClientInputBlocked)
        return checkNonce(in: sent)
    }

    @Test func aParseBehindAnExecuteWaitsForTheSettingsCheck() throws {
        var harness = ExtendedProtocolTests().readyHarness()
        let nonce = try #require(Self.runFirstStatement(&harness, "select 2"))

        let first = Messages.parseComplete + Messages.bindComplete + Upstream.dataRow("") + Upstream.commandComplete("SELECT 1")
        let answered = harness.machine.upstreamData(first + Self.checkAnswer(nonce: nonce))
        #expect(answered.toClient == first, "the check's answers are not the client's")
        #expect(answered.withoutLogs.contains(.decide(statement: "select 2", prepared: false)))
        #expect(harness.machine.decided(.allow(actionID: 2)).toUpstream
            == FrontendMessages.parse("select 2") + Messages.bind() + Messages.execute() + FrontendMessages.sync())
    }

    @Test func aChangedSettingEndsTheSessionBeforeTheParseGoesUpstream() throws {
        var harness = ExtendedProtocolTests().readyHarness()
        let second = #"select '\', ' union select secret from payments --'"#
        let nonce = try #require(Self.runFirstStatement(&harness, second))

        let actions = harness.machine.upstreamData(Messages.parseComplete + Messages.bindComplete
            + Upstream.dataRow("") + Upstream.commandComplete("SELECT 1")
            + Self.checkAnswer(nonce: nonce, settings: ("off", "UTF8")))
        #expect(actions.clientError?.code == "55000")
        #expect(actions.clientError?.message.contains("standard_conforming_strings to off") == true)
        #expect(!String(decoding: actions.toUpstream, as: UTF8.self).contains("payments"))
        #expect(actions.contains(.closeUpstream))
    }

    /// A statement of the client's that returns what the check would cannot
    /// pass for it: the nonce is random.
    @Test func aClientRowThatLooksLikeTheCheckIsTheClients() throws {
        var harness = ExtendedProtocolTests().readyHarness()
        let nonce = try #require(Self.runFirstStatement(&harness, "select 2"))
        let forged = Messages.parseComplete + Messages.bindComplete
            + Upstream.dataRow(values: ["on", "UTF8", "0123456789abcdef0123456789abcdef"]) + Upstream.commandComplete("SELECT 1")
        let actions = harness.machine.upstreamData(forged)
        #expect(actions.toClient == forged)
        #expect(!actions.withoutLogs.contains(.decide(statement: "select 2", prepared: false)), "still held")
        let after = harness.machine.upstreamData(Self.checkAnswer(nonce: nonce, settings: ("off", "UTF8")))
        #expect(after.clientError?.code == "55000")
    }

    /// The first statement fails: the upstream skips the check and
    /// everything else up to Sync, so the held Parse may go (it is skipped too).
    @Test func anErrorBeforeTheCheckReleasesTheParse() throws {
        var harness = ExtendedProtocolTests().readyHarness()
        _ = try #require(Self.runFirstStatement(&harness, "select 2"))
        let failure = Messages.parseComplete + Messages.bindComplete + Upstream.error("P0001", "boom")
        let actions = harness.machine.upstreamData(failure)
        #expect(actions.toClient == failure)
        #expect(actions.withoutLogs.contains(.decide(statement: "select 2", prepared: false)))
        _ = harness.machine.decided(.allow(actionID: 2))
        let end = harness.machine.upstreamData(BackendMessages.readyForQuery(.idle))
        #expect(end.toClient == BackendMessages.readyForQuery(.idle))
        #expect(!harness.machine.isClientInputBlocked)
    }

    /// Code ran in a batch already ended by Sync: its ReadyForQuery (and any
    /// ParameterStatus before it) settles the question, with no check.
    @Test func aParseAfterAnUnansweredSyncWaitsForReadyForQuery() {
        var harness = ExtendedProtocolTests().readyHarness()
        _ = harness.machine.clientData(FrontendMessages.parse("select f()") + Messages.bind() + Messages.execute()
            + FrontendMessages.sync() + FrontendMessages.parse("select 2") + FrontendMessages.sync())
        let sent = harness.machine.decided(.allow(actionID: 1)).toUpstream
        #expect(Bytes.types(sent) == "PBES", "no check: the Sync's answer will tell")

        let changed = harness.machine.upstreamData(Messages.parseComplete + Messages.bindComplete
            + Upstream.commandComplete("SELECT 1") + Upstream.parameterStatus("standard_conforming_strings", "off")
            + BackendMessages.readyForQuery(.idle))
        #expect(changed.clientError?.code == "55000")
        #expect(!changed.withoutLogs.contains(.decide(statement: "select 2", prepared: false)))
    }

    @Test func unchangedSettingsAfterSyncLetTheParseGo() {
        var harness = ExtendedProtocolTests().readyHarness()
        _ = harness.machine.clientData(FrontendMessages.parse("select f()") + Messages.bind() + Messages.execute()
            + FrontendMessages.sync() + FrontendMessages.parse("select 2") + FrontendMessages.sync())
        _ = harness.machine.decided(.allow(actionID: 1))
        let answered = harness.machine.upstreamData(Messages.parseComplete + Messages.bindComplete
            + Upstream.commandComplete("SELECT 1") + BackendMessages.readyForQuery(.idle))
        #expect(answered.withoutLogs.contains(.decide(statement: "select 2", prepared: false)))
    }

    /// Parses with no Bind or Execute between them need no check: parsing
    /// runs no code of the user's.
    @Test func consecutiveParsesNeedNoCheck() {
        var harness = ExtendedProtocolTests().readyHarness()
        _ = harness.machine.clientData(FrontendMessages.parse("select 1", name: "a")
            + FrontendMessages.parse("select 2", name: "b") + FrontendMessages.sync())
        _ = harness.machine.decided(.allow(actionID: 1))
        let second = harness.machine.decided(.allow(actionID: 2))
        #expect(Bytes.types(second.toUpstream) == "PS")
    }

    /// With masking on, the check's row is neither masked nor shown.
    @Test func theCheckWorksWithMasking() throws {
        var harness = ExtendedProtocolTests().readyHarness(masking: true)
        _ = harness.machine.clientData(Self.pipeline("select f()", "select 2"))
        let sent = harness.machine.decided(.allow(actionID: 1)).toUpstream
        #expect(Bytes.types(sent) == "PBDEPBECH", "Warden's Describe before the Execute, then the check")
        let nonce = try #require(Self.checkNonce(in: sent))
        let first = Messages.parseComplete + Messages.bindComplete + Upstream.rowDescription("f")
            + Upstream.dataRow("x") + Upstream.commandComplete("SELECT 1")
        let answered = harness.machine.upstreamData(first + Self.checkAnswer(nonce: nonce))
        #expect(Bytes.types(answered.toClient) == "12DC", "the injected Describe's answer and the check are hidden")
        #expect(answered.withoutLogs.contains(.decide(statement: "select 2", prepared: false)))
    }
}

/// A refusal inside a transaction block aborts it upstream as PostgreSQL's
/// own error would, and after a refusal a Query is skipped up to Sync, as
/// PostgreSQL skips it.
@Suite("Session: refusals and transaction state")
struct RefusalTransactionTests {
    static func harnessInTransaction() -> SessionHarness {
        var harness = ExtendedProtocolTests().readyHarness()
        _ = harness.machine.clientData(FrontendMessages.query("begin"))
        _ = harness.machine.decided(.allow(actionID: 1))
        _ = harness.machine.upstreamData(Upstream.commandComplete("BEGIN") + BackendMessages.readyForQuery(.inTransaction))
        return harness
    }

    @Test func aRefusedQueryInATransactionAbortsItUpstream() {
        var harness = Self.harnessInTransaction()
        _ = harness.machine.clientData(FrontendMessages.query("drop table t"))
        let refused = harness.machine.decided(.deny(reason: "no DDL"))
        let upstream = String(decoding: refused.toUpstream, as: UTF8.self)
        #expect(Bytes.types(refused.toUpstream) == "Q" && upstream.contains("warden_refused_1") && !upstream.contains("drop"))
        #expect(refused.toClient.isEmpty, "the refusal takes the upstream error's place")
        #expect(harness.machine.clientData(FrontendMessages.query("commit")).isEmpty, "held until the refusal is answered")

        let answer = harness.machine.upstreamData(Upstream.error("42601", "syntax error at or near \"warden_refused_1\"")
            + BackendMessages.readyForQuery(.failed))
        #expect(answer.clientError?.code == "42501" && answer.clientError?.message == "no DDL")
        #expect(Bytes.types(answer.toClient) == "EZ")
        #expect(harness.machine.transactionStatus == .failed)
        #expect(answer.withoutLogs.contains(.decide(statement: "commit", prepared: false)))
    }

    @Test func aRefusedQueryOutsideATransactionStaysWithWarden() {
        var harness = ExtendedProtocolTests().readyHarness()
        _ = harness.machine.clientData(FrontendMessages.query("drop table t"))
        let refused = harness.machine.decided(.deny(reason: "no DDL"))
        #expect(refused.toUpstream.isEmpty)
        #expect(Bytes.types(refused.toClient) == "EZ")
    }

    /// After a refusal the upstream skips everything up to Sync, a Query
    /// too; so does Warden, and the Sync is answered (it used to hang).
    @Test func aQueryBetweenARefusedParseAndSyncIsSkipped() {
        var harness = ExtendedProtocolTests().readyHarness()
        _ = harness.machine.clientData(FrontendMessages.parse("drop table t") + FrontendMessages.query("select 1")
            + FrontendMessages.sync())
        let refused = harness.machine.decided(.deny(reason: "no DDL"))
        #expect(Bytes.types(refused.toUpstream) == "PS")
        #expect(!String(decoding: refused.toUpstream, as: UTF8.self).contains("select 1"))
        let answer = harness.machine.upstreamData(Upstream.error("42601", "syntax error at or near \"warden_refused_1\"")
            + BackendMessages.readyForQuery(.idle))
        #expect(Bytes.types(answer.toClient) == "EZ")
        #expect(!harness.machine.isClientInputBlocked)
    }

    /// A Bind whose parameter count runs past its end (a driver bug, or an
    /// attacker): an ERROR in its place and the batch skipped to Sync, as
    /// PostgreSQL answers it; the session goes on.
    @Test func aMalformedBindIsAnErrorNotTheEndOfTheSession() {
        var harness = ExtendedProtocolTests().readyHarness()
        let malformed = MessageWriter.message(UInt8(ascii: "B")) { out in
            out.appendCString(""); out.appendCString(""); out.appendInt16(0); out.appendInt16(3); out.appendInt32(100)
        }
        let actions = harness.machine.clientData(malformed + ExtendedProtocolTests.execute() + FrontendMessages.sync())
        #expect(Bytes.types(actions.toUpstream) == "PS", "a marker Parse the upstream rejects, then the Sync")
        #expect(!actions.contains(.closeClient))
        let answer = harness.machine.upstreamData(Upstream.error("42601", "syntax error at or near \"warden_refused_1\"")
            + BackendMessages.readyForQuery(.idle))
        #expect(answer.clientError?.code == "08P01" && answer.clientError?.message == "invalid Bind message")
        #expect(harness.machine.clientData(FrontendMessages.query("select 1")) == [.decide(statement: "select 1", prepared: false)])
    }
}
