import Testing
@testable import WardenPostgres

@Suite("Session: upstream sign-in")
struct UpstreamSignInTests {
    /// Client signed in and authenticated; the upstream is being opened.
    func openingHarness() -> SessionHarness {
        var harness = SessionHarness()
        harness.signInClient()
        _ = harness.machine.authenticated(AuthenticatedIdentity(subject: "alice@example.com", groups: ["analysts"]))
        return harness
    }

    /// Up to the upstream StartupMessage over TLS; returns what was sent upstream last.
    func startedHarness(password: String? = "upstream-secret", tlsMode: UpstreamTLSMode = .require)
        -> (SessionHarness, [PostgresSessionAction]) {
        var harness = openingHarness()
        var credentials = SessionHarness.credentials
        credentials.password = password
        credentials.tlsMode = tlsMode
        if tlsMode == .disable {
            let actions = harness.machine.upstreamOpened(credentials)
            return (harness, actions)
        }
        _ = harness.machine.upstreamOpened(credentials)
        _ = harness.machine.upstreamData([UInt8(ascii: "S")])
        let actions = harness.machine.upstreamTLSEstablished()
        return (harness, actions)
    }

    @Test func negotiatesTLSThenSignsInWithSCRAMAndAdmitsTheClient() throws {
        var harness = openingHarness()
        let opened = harness.machine.upstreamOpened(SessionHarness.credentials)
        #expect(opened == [.sendToUpstream(FrontendMessages.sslRequest())])
        #expect(harness.machine.upstreamData([UInt8(ascii: "S")]) == [.startUpstreamTLS])

        let startup = harness.machine.upstreamTLSEstablished()
        #expect(startup == [.sendToUpstream(FrontendMessages.startupMessage([
            ("user", "warden_ro"), ("database", "analytics_prod"),
            ("application_name", "psql"),
            ("client_encoding", "UTF8"), ("standard_conforming_strings", "on"),
        ]))])

        var server = ScriptedSCRAMServer(password: "upstream-secret")
        let initial = harness.machine.upstreamData(BackendMessages.authenticationSASL(
            mechanisms: ["SCRAM-SHA-256-PLUS", "SCRAM-SHA-256"]))
        let serverFirst = try server.serverFirst(forInitialResponse: initial.toUpstream)
        let response = harness.machine.upstreamData(BackendMessages.authenticationSASLContinue(serverFirst))
        let serverFinal = try #require(try server.serverFinal(forResponse: response.toUpstream))

        let admitted = harness.machine.upstreamData(
            BackendMessages.authenticationSASLFinal(serverFinal)
            + BackendMessages.authenticationOk()
            + Upstream.parameterStatus("server_version", "17.2")
            + Upstream.backendKeyData(4242, 777)
            + BackendMessages.readyForQuery(.idle))
        // One write to the client: AuthenticationOk, the parameters, Warden's key, ReadyForQuery.
        let sends = admitted.filter { if case .sendToClient = $0 { true } else { false } }
        #expect(sends.count == 1)
        let messages = Bytes.messages(admitted.toClient)
        #expect(Bytes.types(admitted.toClient) == "RSKZ")
        #expect(messages[0].bytes == BackendMessages.authenticationOk())
        #expect(messages[1].bytes == Upstream.parameterStatus("server_version", "17.2"))
        #expect(messages[3].bytes == BackendMessages.readyForQuery(.idle))

        let clientKey = try #require(BackendKey(backendKeyData: messages[2]))
        #expect(clientKey != BackendKey(processID: 4242, secretKey: 777))
        #expect(harness.cancelKeys.target(for: clientKey)
            == CancelTarget(connection: "analytics", upstreamKey: BackendKey(processID: 4242, secretKey: 777),
                            session: SessionHarness.hostSession))
        #expect(harness.machine.phase == .ready)

        // Nothing the client saw carries the upstream password.
        let everything = opened + startup + initial + response + admitted
        #expect(!String(decoding: everything.toClient, as: UTF8.self).contains("upstream-secret"))
        #expect(!everything.logText.contains("upstream-secret"))
    }

    @Test func rejectsAnUpstreamWithAWrongSCRAMSignature() throws {
        var (harness, _) = startedHarness()
        var server = ScriptedSCRAMServer(password: "upstream-secret")
        let initial = harness.machine.upstreamData(BackendMessages.authenticationSASL(mechanisms: ["SCRAM-SHA-256"]))
        let serverFirst = try server.serverFirst(forInitialResponse: initial.toUpstream)
        _ = harness.machine.upstreamData(BackendMessages.authenticationSASLContinue(serverFirst))
        let actions = harness.machine.upstreamData(BackendMessages.authenticationSASLFinal(
            Bytes.ascii("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=")) + BackendMessages.authenticationOk())
        #expect(actions.clientError?.code == "08004")
        #expect(actions.logText.contains("serverSignatureMismatch"))
        #expect(actions.withoutLogs.suffix(2) == [.closeClient, .closeUpstream])
    }

    @Test func rejectsAnUpstreamThatSkipsSASLFinal() throws {
        var (harness, _) = startedHarness()
        var server = ScriptedSCRAMServer(password: "upstream-secret")
        let initial = harness.machine.upstreamData(BackendMessages.authenticationSASL(mechanisms: ["SCRAM-SHA-256"]))
        let serverFirst = try server.serverFirst(forInitialResponse: initial.toUpstream)
        _ = harness.machine.upstreamData(BackendMessages.authenticationSASLContinue(serverFirst))
        let actions = harness.machine.upstreamData(BackendMessages.authenticationOk())
        #expect(actions.clientError?.code == "08004")
        #expect(!Bytes.types(actions.toClient).contains("R"))
    }

    @Test func answersMD5WithTheSaltedHash() {
        var (harness, _) = startedHarness()
        let actions = harness.machine.upstreamData(BackendMessages.authenticationMD5Password(salt: [1, 2, 3, 4]))
        let expected = MD5Password.hash(user: "warden_ro", password: "upstream-secret", salt: [1, 2, 3, 4])
        #expect(actions == [.sendToUpstream(FrontendMessages.passwordMessage(expected))])
    }

    @Test func warnsWhenSendingACleartextPasswordUnencrypted() {
        var (harness, startup) = startedHarness(tlsMode: .disable)
        #expect(startup.toUpstream.prefix(8) != FrontendMessages.sslRequest()[...])
        let actions = harness.machine.upstreamData(BackendMessages.authenticationCleartextPassword())
        #expect(actions.withoutLogs == [.sendToUpstream(FrontendMessages.passwordMessage("upstream-secret"))])
        #expect(actions.contains { if case .log(.warning, _) = $0 { true } else { false } })
        let admitted = harness.machine.upstreamData(BackendMessages.authenticationOk() + BackendMessages.readyForQuery(.idle))
        #expect(Bytes.types(admitted.toClient) == "RZ")
    }

    @Test func hidesTheUpstreamErrorFromTheClient() {
        var (harness, _) = startedHarness()
        let actions = harness.machine.upstreamData(Upstream.error(
            "28P01", "password authentication failed for user \"warden_ro\"", severity: .fatal))
        let error = actions.clientError
        #expect(error?.code == "08004")
        #expect(error?.message == PostgresSessionMachine.upstreamSignInFailedMessage)
        #expect(!String(decoding: actions.toClient, as: UTF8.self).contains("warden_ro"))
        #expect(actions.logText.contains("password authentication failed"))
        #expect(actions.withoutLogs.suffix(2) == [.closeClient, .closeUpstream])
    }

    @Test(arguments: [
        BackendMessages.authenticationSASL(mechanisms: ["SCRAM-SHA-256-PLUS"]),
        [82, 0, 0, 0, 8, 0, 0, 0, 7],  // GSS
        [82, 0, 0, 0, 8, 0, 0, 0, 9],  // SSPI
        [82, 0, 0, 0, 8, 0, 0, 0, 2],  // Kerberos V5
        [82, 0, 0, 0, 8, 0, 0, 0, 42],
    ] as [[UInt8]])
    func failsOnUnsupportedUpstreamMethods(_ request: [UInt8]) {
        var (harness, _) = startedHarness()
        let actions = harness.machine.upstreamData(request)
        #expect(actions.clientError?.code == "08004")
        #expect(actions.withoutLogs.suffix(2) == [.closeClient, .closeUpstream])
        #expect(!actions.logText.isEmpty)
    }

    @Test func failsWhenAPasswordIsNeededButNoneIsConfigured() {
        var (harness, _) = startedHarness(password: nil)
        let actions = harness.machine.upstreamData(BackendMessages.authenticationCleartextPassword())
        #expect(actions.clientError?.code == "08004")
        #expect(actions.logText.contains("no password is configured"))
    }

    @Test func requiresTLSWhenTheModeSaysSo() {
        for mode in [UpstreamTLSMode.require, .verifyFull] {
            var harness = openingHarness()
            var credentials = SessionHarness.credentials
            credentials.tlsMode = mode
            _ = harness.machine.upstreamOpened(credentials)
            let actions = harness.machine.upstreamData([UInt8(ascii: "N")])
            #expect(actions.clientError?.code == "08001")
            #expect(actions.clientError?.message == "the upstream database does not offer TLS")
            #expect(actions.withoutLogs.suffix(2) == [.closeClient, .closeUpstream])
        }
    }

    @Test func continuesWithoutTLSWhenOnlyPreferred() {
        var harness = openingHarness()
        var credentials = SessionHarness.credentials
        credentials.tlsMode = .prefer
        _ = harness.machine.upstreamOpened(credentials)
        let actions = harness.machine.upstreamData([UInt8(ascii: "N")])
        #expect(actions.toUpstream.dropFirst(4).prefix(4) == [0, 3, 0, 0])
        #expect(harness.machine.phase == .authenticatingUpstream)
    }

    @Test func rejectsPlaintextBehindTheUpstreamTLSAnswer() {
        // CVE-2021-23222: a man in the middle could append plaintext after 'S'.
        var harness = openingHarness()
        _ = harness.machine.upstreamOpened(SessionHarness.credentials)
        let actions = harness.machine.upstreamData([UInt8(ascii: "S")] + BackendMessages.authenticationOk())
        #expect(actions.clientError?.code == "08004")
        #expect(!actions.contains(.startUpstreamTLS))
    }

    @Test func reportsUpstreamConnectionAndTLSFailures() {
        var harness = openingHarness()
        let failed = harness.machine.upstreamFailed(reason: "connection refused")
        #expect(failed.clientError?.code == "08001")
        #expect(failed.withoutLogs.last == .closeClient)
        #expect(!failed.withoutLogs.contains(.closeUpstream))

        var tls = openingHarness()
        _ = tls.machine.upstreamOpened(SessionHarness.credentials)
        _ = tls.machine.upstreamData([UInt8(ascii: "S")])
        let tlsFailed = tls.machine.upstreamTLSFailed(reason: "certificate expired")
        #expect(tlsFailed.clientError?.code == "08001")
        #expect(tlsFailed.withoutLogs.suffix(2) == [.closeClient, .closeUpstream])
        #expect(tlsFailed.logText.contains("certificate expired"))
    }

    @Test func closesAnUpstreamThatOpensAfterTheClientLeft() {
        var harness = openingHarness()
        #expect(harness.machine.clientClosed().withoutLogs.isEmpty)
        #expect(harness.machine.upstreamOpened(SessionHarness.credentials) == [.closeUpstream])
    }
}
