import Testing
@testable import WardenPostgres

/// Byte fixtures for every message the gateway writes in its own name.
@Suite("Message encoders")
struct MessageEncodingTests {
    @Test func errorResponse() {
        let expected: [UInt8] = [69, 0, 0, 0, 30]
            + [83] + Bytes.ascii("FATAL") + [0]
            + [86] + Bytes.ascii("FATAL") + [0]
            + [67] + Bytes.ascii("28000") + [0]
            + [77] + Bytes.ascii("no") + [0]
            + [0]
        #expect(BackendMessages.errorResponse(.fatal, code: "28000", message: "no") == expected)
    }

    @Test func errorResponseWithDetailAndHint() throws {
        let bytes = BackendMessages.errorResponse(.error, code: "42501", message: "m", detail: "d", hint: "h")
        let frame = try #require(Bytes.messages(bytes).first)
        #expect(ErrorFields(body: frame.body)
            == ErrorFields(severity: "ERROR", code: "42501", message: "m", detail: "d", hint: "h"))
    }

    @Test func noticeResponse() throws {
        let bytes = BackendMessages.noticeResponse(message: "hi")
        #expect(bytes.first == UInt8(ascii: "N"))
        let frame = try #require(Bytes.messages(bytes).first)
        #expect(ErrorFields(body: frame.body) == ErrorFields(severity: "NOTICE", code: "00000", message: "hi"))
    }

    @Test func authenticationRequests() {
        #expect(BackendMessages.authenticationOk() == [82, 0, 0, 0, 8, 0, 0, 0, 0])
        #expect(BackendMessages.authenticationCleartextPassword() == [82, 0, 0, 0, 8, 0, 0, 0, 3])
        #expect(BackendMessages.authenticationMD5Password(salt: [1, 2, 3, 4]) == [82, 0, 0, 0, 12, 0, 0, 0, 5, 1, 2, 3, 4])
        #expect(BackendMessages.authenticationSASL(mechanisms: ["SCRAM-SHA-256"])
            == [82, 0, 0, 0, 23, 0, 0, 0, 10] + Bytes.ascii("SCRAM-SHA-256") + [0, 0])
        #expect(BackendMessages.authenticationSASLContinue(Bytes.ascii("r=x")) == [82, 0, 0, 0, 11, 0, 0, 0, 11] + Bytes.ascii("r=x"))
        #expect(BackendMessages.authenticationSASLFinal(Bytes.ascii("v=x")) == [82, 0, 0, 0, 11, 0, 0, 0, 12] + Bytes.ascii("v=x"))
    }

    @Test func readyForQueryAndBackendKeyData() {
        #expect(BackendMessages.readyForQuery(.idle) == [90, 0, 0, 0, 5, 73])
        #expect(BackendMessages.readyForQuery(.inTransaction) == [90, 0, 0, 0, 5, 84])
        #expect(BackendMessages.readyForQuery(.failed) == [90, 0, 0, 0, 5, 69])
        #expect(BackendMessages.backendKeyData(BackendKey(processID: 1, secretKey: -2))
            == [75, 0, 0, 0, 12, 0, 0, 0, 1, 0xFF, 0xFF, 0xFF, 0xFE])
    }

    @Test func negotiateProtocolVersion() {
        #expect(BackendMessages.negotiateProtocolVersion(newestMinor: 0, unsupportedOptions: ["_pq_.x"])
            == [118, 0, 0, 0, 19, 0, 0, 0, 0, 0, 0, 0, 1] + Bytes.ascii("_pq_.x") + [0])
    }

    @Test func startupPhasePackets() {
        #expect(FrontendMessages.sslRequest() == [0, 0, 0, 8, 0x04, 0xD2, 0x16, 0x2F])
        #expect(FrontendMessages.gssEncRequest() == [0, 0, 0, 8, 0x04, 0xD2, 0x16, 0x30])
        #expect(FrontendMessages.cancelRequest(BackendKey(processID: 1, secretKey: 2))
            == [0, 0, 0, 16, 0x04, 0xD2, 0x16, 0x2E, 0, 0, 0, 1, 0, 0, 0, 2])
        #expect(FrontendMessages.startupMessage([("user", "u"), ("database", "d")])
            == [0, 0, 0, 27, 0, 3, 0, 0] + Bytes.ascii("user") + [0, 117, 0] + Bytes.ascii("database") + [0, 100, 0, 0])
    }

    @Test func passwordAndSASLMessages() {
        #expect(FrontendMessages.passwordMessage("pw") == [112, 0, 0, 0, 7, 112, 119, 0])
        #expect(FrontendMessages.saslInitialResponse(mechanism: "SCRAM-SHA-256", initialResponse: Bytes.ascii("n,,n=,r=abc"))
            == [112, 0, 0, 0, 33] + Bytes.ascii("SCRAM-SHA-256") + [0, 0, 0, 0, 11] + Bytes.ascii("n,,n=,r=abc"))
        #expect(FrontendMessages.saslResponse(Bytes.ascii("c=biws")) == [112, 0, 0, 0, 10] + Bytes.ascii("c=biws"))
        #expect(FrontendMessages.terminate() == [88, 0, 0, 0, 4])
        #expect(FrontendMessages.query("select 1") == [81, 0, 0, 0, 13] + Bytes.ascii("select 1") + [0])
    }
}

@Suite("Message decoders")
struct MessageDecodingTests {
    @Test func startupPackets() {
        #expect(StartupPacket(body: FrontendMessages.sslRequest().dropFirst(4)) == .sslRequest)
        #expect(StartupPacket(body: FrontendMessages.gssEncRequest().dropFirst(4)) == .gssEncRequest)
        #expect(StartupPacket(body: FrontendMessages.cancelRequest(BackendKey(processID: 7, secretKey: -9)).dropFirst(4))
            == .cancelRequest(BackendKey(processID: 7, secretKey: -9)))
        #expect(StartupPacket(body: FrontendMessages.startupMessage([("user", "u")], protocolVersion: 0x0002_0000).dropFirst(4))
            == .unsupportedVersion(major: 2, minor: 0))
        #expect(StartupPacket(body: FrontendMessages.startupMessage([("user", "u")], protocolVersion: 0x0003_0002).dropFirst(4))
            == .startup(StartupMessage(minorVersion: 2, parameters: [("user", "u")])))
    }

    @Test func malformedStartupPackets() {
        // SSLRequest with trailing bytes, truncated cancel, missing final NUL, duplicate parameter.
        #expect(StartupPacket(body: [0x04, 0xD2, 0x16, 0x2F, 0]) == nil)
        #expect(StartupPacket(body: [0x04, 0xD2, 0x16, 0x2E, 0, 0, 0, 1]) == nil)
        #expect(StartupPacket(body: [0, 3, 0, 0] + Bytes.ascii("user") + [0, 117, 0]) == nil)
        #expect(StartupPacket(body: FrontendMessages.startupMessage([("user", "a"), ("user", "b")]).dropFirst(4)) == nil)
        #expect(StartupPacket(body: [0, 3, 0, 0] + Bytes.ascii("user") + [0, 0xFF, 0, 0]) == nil)
    }

    @Test func authenticationRequests() {
        func decode(_ bytes: [UInt8]) -> AuthenticationRequest? { AuthenticationRequest(body: bytes.dropFirst(5)) }
        #expect(decode(BackendMessages.authenticationOk()) == .ok)
        #expect(decode(BackendMessages.authenticationCleartextPassword()) == .cleartextPassword)
        #expect(decode(BackendMessages.authenticationMD5Password(salt: [9, 8, 7, 6])) == .md5Password(salt: [9, 8, 7, 6]))
        #expect(decode(BackendMessages.authenticationSASL(mechanisms: ["SCRAM-SHA-256-PLUS", "SCRAM-SHA-256"]))
            == .sasl(mechanisms: ["SCRAM-SHA-256-PLUS", "SCRAM-SHA-256"]))
        #expect(decode(BackendMessages.authenticationSASLContinue([1, 2])) == .saslContinue(data: [1, 2]))
        #expect(decode(BackendMessages.authenticationSASLFinal([3])) == .saslFinal(data: [3]))
        #expect(AuthenticationRequest(body: [0, 0, 0, 7][...]) == .gss)
        #expect(AuthenticationRequest(body: [0, 0, 0, 99][...]) == .unknown(code: 99))
        #expect(AuthenticationRequest(body: [0, 0, 0, 5, 1, 2][...]) == nil)  // short salt
        #expect(AuthenticationRequest(body: [0, 0][...]) == nil)
    }

    @Test func errorFieldsSkipUnknownCodesAndPreferTheFixedSeverity() {
        let body: [UInt8] = [83] + Bytes.ascii("FEHLER") + [0] + [86] + Bytes.ascii("ERROR") + [0]
            + [67] + Bytes.ascii("42P01") + [0] + [80] + Bytes.ascii("15") + [0]
            + [77] + Bytes.ascii("relation does not exist") + [0, 0]
        #expect(ErrorFields(body: body[...])
            == ErrorFields(severity: "ERROR", code: "42P01", message: "relation does not exist"))
        #expect(ErrorFields(body: [67, 65, 66][...]) == nil)  // unterminated
    }
}
