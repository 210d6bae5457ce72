import Testing
@testable import WardenPostgres

/// The extended query protocol: decided at Parse, pipelined, refusals answered in place.
@Suite("Session: extended protocol")
struct ExtendedProtocolTests {
    func readyHarness(masking: Bool = false) -> SessionHarness {
        var harness = SessionHarness(fieldMasker: masking ? MaskingTests.FakeMasker() : nil)
        harness.credentials.masking = masking
        _ = harness.startReady()
        return harness
    }

    static func bind(statement: String = "", portal: String = "", binaryResults: Bool = false) -> [UInt8] {
        MessageWriter.message(UInt8(ascii: "B")) { out in
            out.appendCString(portal); out.appendCString(statement); out.appendInt16(0); out.appendInt16(0)
            out.appendInt16(binaryResults ? 1 : 0)
            if binaryResults { out.appendInt16(1) }
        }
    }

    static func execute(portal: String = "") -> [UInt8] {
        MessageWriter.message(UInt8(ascii: "E")) { out in out.appendCString(portal); out.appendInt32(0) }
    }

    static let describePortal = MessageWriter.message(UInt8(ascii: "D")) { out in out.append(UInt8(ascii: "P")); out.appendCString("") }
    static let parseComplete = MessageWriter.message(UInt8(ascii: "1")) { _ in }
    static let bindComplete = MessageWriter.message(UInt8(ascii: "2")) { _ in }

    @Test func aBatchIsDecidedAtParseThenRelayedAndRecorded() {
        var harness = readyHarness()
        let parse = FrontendMessages.parse("select n from t where id = $1")
        let batch = parse + Self.bind() + Self.describePortal + Self.execute() + FrontendMessages.sync()
        #expect(harness.machine.clientData(batch) == [.decide(statement: "select n from t where id = $1", prepared: false)])
        #expect(harness.machine.isClientInputBlocked)
        #expect(harness.machine.decided(.allow(actionID: 7)).toUpstream == batch)

        let response = Self.parseComplete + Self.bindComplete + Upstream.rowDescription("n") + Upstream.dataRow("1")
            + Upstream.commandComplete("SELECT 1") + BackendMessages.readyForQuery(.idle)
        let actions = harness.machine.upstreamData(response)
        #expect(actions.toClient == response)
        #expect(actions.contains { action in
            if case .statementFinished(1, ["SELECT 1"], nil, _, 7) = action { return true }
            return false
        })
    }

    @Test func aRefusedParseNeverReachesTheUpstreamAndTheBatchEndsAtSync() {
        var harness = readyHarness()
        _ = harness.machine.clientData(FrontendMessages.parse("drop table t") + Self.bind() + Self.execute()
            + FrontendMessages.sync())
        let refused = harness.machine.decided(.deny(reason: "no DDL"))
        let upstream = String(decoding: refused.toUpstream, as: UTF8.self)
        #expect(!upstream.contains("drop table"))
        #expect(upstream.contains("warden_refused_1"))
        #expect(Bytes.types(refused.toUpstream) == "PS", "Bind and Execute are dropped, Sync goes on")

        // The upstream rejects the marker; the client sees Warden's refusal in its place.
        let rejection = Upstream.error("42601", "syntax error at or near \"warden_refused_1\"")
        let actions = harness.machine.upstreamData(rejection + BackendMessages.readyForQuery(.idle))
        #expect(actions.toClient == BackendMessages.errorResponse(.error, code: "42501", message: "no DDL")
            + BackendMessages.readyForQuery(.idle))
        // The session goes on.
        #expect(harness.machine.clientData(FrontendMessages.query("select 1")) == [.decide(statement: "select 1", prepared: false)])
    }

    /// The host could not record the statement: the refusal lands in place
    /// like a denial, with SQLSTATE 58030 so that a driver may retry.
    @Test func aParseTheHostCannotRecordIsRefusedWith58030() {
        var harness = readyHarness()
        _ = harness.machine.clientData(FrontendMessages.parse("select 1") + Self.bind() + Self.execute()
            + FrontendMessages.sync())
        let refused = harness.machine.decided(.unavailable(reason: "the audit store is unavailable"))
        #expect(Bytes.types(refused.toUpstream) == "PS")
        let rejection = Upstream.error("42601", "syntax error at or near \"warden_refused_1\"")
        let actions = harness.machine.upstreamData(rejection + BackendMessages.readyForQuery(.idle))
        #expect(actions.toClient == BackendMessages.errorResponse(.error, code: "58030", message: "the audit store is unavailable")
            + BackendMessages.readyForQuery(.idle))
    }

    @Test func laterExecutionsOfANamedStatementAreDecidedAsPrepared() {
        var harness = readyHarness()
        _ = harness.machine.clientData(FrontendMessages.parse("update t set a = 1", name: "s1") + FrontendMessages.sync())
        _ = harness.machine.decided(.allow(actionID: 1))
        _ = harness.machine.upstreamData(Self.parseComplete + BackendMessages.readyForQuery(.idle))

        // The first execution uses the Parse's verdict.
        let first = harness.machine.clientData(Self.bind(statement: "s1") + Self.execute() + FrontendMessages.sync())
        #expect(Bytes.types(first.toUpstream) == "BES")
        _ = harness.machine.upstreamData(Self.bindComplete + Upstream.commandComplete("UPDATE 1") + BackendMessages.readyForQuery(.idle))

        // The second asks again, as an execution of an allowed statement.
        let second = harness.machine.clientData(Self.bind(statement: "s1") + Self.execute() + FrontendMessages.sync())
        #expect(second.contains(.decide(statement: "update t set a = 1", prepared: true)))
        #expect(Bytes.types(second.toUpstream) == "B")
        #expect(Bytes.types(harness.machine.decided(.allow(actionID: 2)).toUpstream) == "ES")
    }

    @Test func aSimpleQueryWaitsForTheBatchBeforeIt() {
        var harness = readyHarness()
        _ = harness.machine.clientData(FrontendMessages.parse("select 1") + FrontendMessages.sync())
        _ = harness.machine.decided(.allow(actionID: 1))
        #expect(harness.machine.clientData(FrontendMessages.query("select 2")).isEmpty, "held until ReadyForQuery")
        let actions = harness.machine.upstreamData(Self.parseComplete + BackendMessages.readyForQuery(.idle))
        #expect(actions.contains(.decide(statement: "select 2", prepared: false)))
    }

    @Test func binaryResultsAreRefusedWhileMaskingApplies() {
        var harness = readyHarness(masking: true)
        _ = harness.machine.clientData(FrontendMessages.parse("select email from t"))
        _ = harness.machine.decided(.allow(actionID: 1))
        let bound = harness.machine.clientData(Self.bind(binaryResults: true) + Self.execute() + FrontendMessages.sync())
        #expect(Bytes.types(bound.toUpstream) == "PS", "the Bind is answered in place, the Execute dropped")
        let actions = harness.machine.upstreamData(Self.parseComplete
            + Upstream.error("42601", "syntax error at or near \"warden_refused_1\"") + BackendMessages.readyForQuery(.idle))
        #expect(actions.clientError?.code == "0A000")
        #expect(actions.clientError?.message.contains("binary-format") == true)
    }

    @Test func anUpstreamErrorSkipsTheRestOfTheBatchAndIsRecorded() {
        var harness = readyHarness()
        _ = harness.machine.clientData(FrontendMessages.parse("select 1/0") + Self.bind() + Self.execute()
            + FrontendMessages.sync())
        _ = harness.machine.decided(.allow(actionID: 3))
        let actions = harness.machine.upstreamData(Self.parseComplete + Self.bindComplete
            + Upstream.error("22012", "division by zero") + BackendMessages.readyForQuery(.idle))
        #expect(actions.contains { action in
            if case .statementFinished(0, [], StatementError(code: "22012", message: "division by zero"), _, 3) = action { return true }
            return false
        })
    }

    /// Two batches pipelined: the first one's ReadyForQuery must not undo the
    /// second one's Parse and Bind, whose answers are still on their way (a
    /// review found it did: the statement then ran as an unknown EXECUTE).
    @Test func aReadyForQueryUndoesOnlyItsOwnBatchesParsesAndBinds() {
        var harness = readyHarness()
        _ = harness.machine.clientData(FrontendMessages.parse("select 1", name: "a") + FrontendMessages.sync())
        _ = harness.machine.decided(.allow(actionID: 1))
        _ = harness.machine.clientData(FrontendMessages.parse("select 2", name: "b") + Self.bind(statement: "b", portal: "p")
            + FrontendMessages.sync())
        _ = harness.machine.decided(.allow(actionID: 2))
        _ = harness.machine.upstreamData(Self.parseComplete + BackendMessages.readyForQuery(.idle))
        #expect(harness.machine.extended.statements[ExactText("b")]?.text == "select 2")
        #expect(harness.machine.extended.portals[ExactText("p")] == "b")
        // The second batch fails: its Parse and Bind are undone at its own ReadyForQuery.
        _ = harness.machine.upstreamData(Upstream.error("42601", "syntax error") + BackendMessages.readyForQuery(.idle))
        #expect(harness.machine.extended.statements[ExactText("b")] == nil)
        #expect(harness.machine.extended.portals[ExactText("p")] == nil)
        #expect(harness.machine.extended.statements[ExactText("a")]?.text == "select 1")
    }
}

