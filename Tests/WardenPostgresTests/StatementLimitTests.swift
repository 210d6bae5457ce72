import Testing
@testable import WardenPostgres

/// A statement longer than the connection's limit is refused by its header:
/// its body is never buffered, and the session goes on.
@Suite("Session: statement size limit")
struct StatementLimitTests {
    static let limit = 1_024

    func readyHarness() -> SessionHarness {
        var harness = SessionHarness()
        harness.signInClient()
        _ = harness.machine.authenticated(AuthenticatedIdentity(subject: "alice@example.com", groups: ["analysts"]))
        var credentials = SessionHarness.credentials
        credentials.maxStatementBytes = Self.limit
        _ = harness.machine.upstreamOpened(credentials)
        _ = harness.machine.upstreamData([UInt8(ascii: "S")])
        _ = harness.machine.upstreamTLSEstablished()
        _ = harness.machine.upstreamData(BackendMessages.authenticationOk() + BackendMessages.readyForQuery(.idle))
        return harness
    }

    @Test func anOversizedQueryIsRefusedAsSoonAsItsHeaderArrives() {
        var harness = readyHarness()
        let query = FrontendMessages.query("SELECT '" + String(repeating: "x", count: 100_000) + "'")
        // Only the header and a little of the body: the refusal does not wait for the rest.
        let refused = harness.machine.clientData(query[..<64])
        let error = refused.clientError
        #expect(error?.code == "54000")
        #expect(error?.severity == "ERROR")
        #expect(error?.message.contains("more than this connection's limit of 1024") == true)
        #expect(Bytes.types(refused.toClient) == "EZ")
        #expect(!refused.contains { if case .decide = $0 { true } else { false } })
        // The rest of the body is dropped as it arrives, never buffered; the next query is read.
        for chunk in stride(from: 64, to: 50_064, by: 1_000) {
            #expect(harness.machine.clientData(query[chunk..<chunk + 1_000]).isEmpty)
        }
        _ = harness.machine.clientData([])
        let rest = harness.machine.clientData(query[50_064...] + FrontendMessages.query("SELECT 1"))
        #expect(rest == [.decide(statement: "SELECT 1")])
        #expect(harness.machine.clientFramer.bufferedByteCount == 0 && harness.machine.clientFramer.bytesToDiscard == 0)
    }

    @Test func aStatementAtTheLimitIsDecided() {
        var harness = readyHarness()
        let text = "SELECT '" + String(repeating: "x", count: Self.limit - 10) + "'"
        #expect(text.utf8.count + 1 == Self.limit)
        #expect(harness.machine.clientData(FrontendMessages.query(text)) == [.decide(statement: text)])
    }

    @Test func anOversizedParseIsRefusedInItsPlaceInThePipeline() {
        var harness = readyHarness()
        let parse = FrontendMessages.parse(String(repeating: "x", count: 5_000))
        let actions = harness.machine.clientData(parse + FrontendMessages.sync())
        // Answered through the upstream, in order, as other extended-protocol refusals are.
        #expect(Bytes.types(actions.toUpstream) == "PS")
        #expect(!actions.contains { if case .decide = $0 { true } else { false } })
    }
}
