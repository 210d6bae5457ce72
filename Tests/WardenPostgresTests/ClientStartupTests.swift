import Testing
@testable import WardenPostgres

@Suite("Session: client startup")
struct ClientStartupTests {
    func makeMachine(tls: Bool = true, keys: CancelKeyTable = CancelKeyTable()) -> PostgresSessionMachine {
        PostgresSessionMachine(clientTLSAvailable: tls, cancelKeys: keys, makeNonce: { "nonce" })
    }

    @Test func acceptsSSLRequestWhenTLSIsAvailable() {
        var machine = makeMachine()
        #expect(machine.clientData(FrontendMessages.sslRequest()) == [.sendToClient([UInt8(ascii: "S")]), .startClientTLS])
        #expect(machine.clientTLSEstablished().isEmpty)
    }

    @Test func refusesAStartupWithoutTLS() throws {
        var machine = makeMachine(tls: false)
        #expect(machine.clientData(FrontendMessages.sslRequest()) == [.sendToClient([UInt8(ascii: "N")])])
        let actions = machine.clientData(FrontendMessages.startupMessage([("user", "alice")]))
        let error = try #require(actions.clientError)
        #expect(error.severity == "FATAL")
        #expect(error.code == "28000")
        #expect(error.hint?.contains("sslmode=require") == true)
        #expect(actions.withoutLogs.last == .closeClient)
        #expect(machine.phase == .closed)
    }

    @Test func refusesAPlainStartupEvenWhenTLSIsAvailable() {
        var machine = makeMachine()
        let actions = machine.clientData(FrontendMessages.startupMessage([("user", "alice")]))
        #expect(actions.clientError?.code == "28000")
        #expect(actions.withoutLogs.last == .closeClient)
    }

    @Test func refusesGSSEncryptionSoTheClientFallsBack() {
        var machine = makeMachine()
        #expect(machine.clientData(FrontendMessages.gssEncRequest()) == [.sendToClient([UInt8(ascii: "N")])])
        #expect(machine.clientData(FrontendMessages.sslRequest()) == [.sendToClient([UInt8(ascii: "S")]), .startClientTLS])
    }

    @Test func rejectsPlaintextSentBehindSSLRequest() {
        // CVE-2021-23214: bytes queued behind SSLRequest must not be read as if encrypted.
        var machine = makeMachine()
        let actions = machine.clientData(FrontendMessages.sslRequest() + FrontendMessages.startupMessage([("user", "a")]))
        #expect(actions.clientError?.code == "08P01")
        #expect(!actions.contains(.startClientTLS))
    }

    @Test func asksForThePasswordAndForwardsTheTokenToTheHost() {
        var machine = makeMachine()
        _ = machine.clientData(FrontendMessages.sslRequest())
        _ = machine.clientTLSEstablished()
        let startup = machine.clientData(FrontendMessages.startupMessage(SessionHarness.startupParameters))
        #expect(startup.withoutLogs == [.sendToClient(BackendMessages.authenticationCleartextPassword())])
        let password = machine.clientData(FrontendMessages.passwordMessage("eyJ.token"))
        #expect(password == [.authenticate(token: "eyJ.token", connection: "analytics", user: "alice")])
        #expect(!startup.logText.contains("eyJ"))
        // client_encoding is pinned: Warden sends its own value upstream.
        #expect(machine.startup?.forwardedParameters.map(\.name) == ["application_name"])
        #expect(machine.startup?.droppedParameterNames == ["options", "role"])
    }

    @Test func usesTheUserNameWhenNoDatabaseIsGiven() {
        var harness = SessionHarness()
        _ = harness.machine.clientData(FrontendMessages.sslRequest())
        _ = harness.machine.clientTLSEstablished()
        _ = harness.machine.clientData(FrontendMessages.startupMessage([("user", "bob")]))
        #expect(harness.machine.clientData(FrontendMessages.passwordMessage("t"))
            == [.authenticate(token: "t", connection: "bob", user: "bob")])
    }

    @Test(arguments: [
        ([("user", "a"), ("replication", "database")], "0A000"),
        ([("database", "d")], "28000"),
        ([("user", "a"), ("client_encoding", "SJIS")], "22023"),
        // Another letter case, or a second copy, is the same setting to PostgreSQL.
        ([("user", "a"), ("Client_Encoding", "SJIS")], "22023"),
        ([("user", "a"), ("client_encoding", "UTF8"), ("CLIENT_ENCODING", "SJIS")], "08P01"),
        ([("user", "a"), ("application_name", "x"), ("application_name", "y")], "08P01"),
        ([("user", "a"), ("standard_conforming_strings", "off")], "22023"),
        ([("user", "a"), ("Standard_Conforming_Strings", "0")], "22023"),
    ])
    func refusesStartupParameters(_ parameters: [(String, String)], code: String) {
        var machine = makeMachine()
        _ = machine.clientData(FrontendMessages.sslRequest())
        _ = machine.clientTLSEstablished()
        let actions = machine.clientData(FrontendMessages.startupMessage(parameters.map { (name: $0.0, value: $0.1) }))
        #expect(actions.clientError?.code == code)
        #expect(actions.clientError?.severity == "FATAL")
        #expect(actions.withoutLogs.last == .closeClient)
    }

    /// asyncpg sends `'utf-8'`, quotes included; PostgreSQL keeps only the
    /// letters and digits of an encoding name, and so does Warden.
    @Test(arguments: ["'utf-8'", "UTF8", "utf_8", "Unicode", "\"UTF-8\""])
    func acceptsEverySpellingOfUTF8(_ spelling: String) {
        var machine = makeMachine()
        _ = machine.clientData(FrontendMessages.sslRequest())
        _ = machine.clientTLSEstablished()
        let actions = machine.clientData(FrontendMessages.startupMessage([
            ("user", "a"), ("client_encoding", spelling), ("standard_conforming_strings", "on"),
        ]))
        #expect(actions.withoutLogs == [.sendToClient(BackendMessages.authenticationCleartextPassword())])
        #expect(machine.startup?.forwardedParameters.isEmpty == true)
    }

    @Test func acceptsAReplicationParameterThatIsOff() {
        var machine = makeMachine()
        _ = machine.clientData(FrontendMessages.sslRequest())
        _ = machine.clientTLSEstablished()
        let actions = machine.clientData(FrontendMessages.startupMessage([("user", "a"), ("replication", "false")]))
        #expect(actions.withoutLogs == [.sendToClient(BackendMessages.authenticationCleartextPassword())])
    }

    @Test func refusesAnUnsupportedProtocolVersion() {
        var machine = makeMachine()
        let actions = machine.clientData(FrontendMessages.startupMessage([("user", "a")], protocolVersion: 0x0002_0000))
        #expect(actions.clientError?.code == "0A000")
        #expect(actions.withoutLogs.last == .closeClient)
    }

    @Test func negotiatesANewerMinorVersionDownTo30() {
        var machine = makeMachine()
        _ = machine.clientData(FrontendMessages.sslRequest())
        _ = machine.clientTLSEstablished()
        let actions = machine.clientData(FrontendMessages.startupMessage(
            [("user", "a"), ("_pq_.test", "1")], protocolVersion: 0x0003_0002))
        #expect(actions.withoutLogs == [.sendToClient(
            BackendMessages.negotiateProtocolVersion(newestMinor: 0, unsupportedOptions: ["_pq_.test"])
                + BackendMessages.authenticationCleartextPassword())])
    }

    @Test func endsTheSessionWhenAuthenticationFails() {
        var harness = SessionHarness()
        harness.signInClient()
        let actions = harness.machine.authenticationFailed(reason: "token expired")
        #expect(actions.withoutLogs == [
            .sendToClient(BackendMessages.errorResponse(.fatal, code: "28000", message: "token expired")),
            .closeClient,
        ])
        #expect(harness.machine.authenticated(AuthenticatedIdentity(subject: "x", groups: [])).isEmpty)
    }

    @Test func opensTheUpstreamOnceAuthenticated() {
        var harness = SessionHarness()
        harness.signInClient()
        let actions = harness.machine.authenticated(AuthenticatedIdentity(subject: "alice@example.com", groups: []))
        #expect(actions.withoutLogs == [.openUpstream(connection: "analytics")])
    }

    @Test func rejectsOversizedAndMalformedStartupPackets() {
        var long = makeMachine()
        #expect(long.clientData([0, 0, 0x27, 0x11]).clientError?.code == "08P01")
        var garbage = makeMachine()
        #expect(garbage.clientData([0, 0, 0, 8, 0, 3, 0, 0]).clientError?.code == "08P01")
        // A TLS ClientHello sent directly (sslnegotiation=direct) reads as a huge length.
        var direct = makeMachine()
        #expect(direct.clientData([0x16, 0x03, 0x01, 0x02, 0x00]).clientError?.code == "08P01")
    }

    @Test func rejectsAnythingButAPasswordAfterStartup() {
        var machine = makeMachine()
        _ = machine.clientData(FrontendMessages.sslRequest())
        _ = machine.clientTLSEstablished()
        _ = machine.clientData(FrontendMessages.startupMessage([("user", "a")]))
        let actions = machine.clientData(FrontendMessages.query("select 1"))
        #expect(actions.clientError?.code == "08P01")
        #expect(actions.withoutLogs.last == .closeClient)
    }

    @Test func forwardsACancelRequestWithTheUpstreamKey() {
        let keys = CancelKeyTable()
        let clientKey = keys.register(CancelTarget(connection: "analytics",
                                                   upstreamKey: BackendKey(processID: 4242, secretKey: 777), session: 31))
        var machine = makeMachine(keys: keys)
        let actions = machine.clientData(FrontendMessages.cancelRequest(clientKey))
        // The owning session (31) hears of it too: a statement it holds for approval is cancelled there.
        #expect(actions.withoutLogs == [
            .forwardCancel(connection: "analytics", upstreamProcessID: 4242, upstreamSecretKey: 777, session: 31),
            .closeClient,
        ])

        var unknown = makeMachine(keys: keys)
        let ignored = unknown.clientData(FrontendMessages.cancelRequest(BackendKey(processID: 4242, secretKey: 777)))
        #expect(ignored.withoutLogs == [.closeClient])
    }
}
