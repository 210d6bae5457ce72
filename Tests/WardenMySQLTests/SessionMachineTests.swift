import Testing
import WardenPluginSDK
@testable import WardenMySQLCore

/// The MySQL session machine against packets a client and a server could send.
struct SessionMachineTests {
    @Test func theClientHelloBehindTheSSLRequestGoesToTheTLSHandshake() {
        var session = SessionHarness()
        let hello: [UInt8] = [0x16, 0x03, 0x01, 0x00, 0x05, 1, 2, 3, 4, 5]
        let actions = session.clientBytes(PacketFramer.frame(SessionHarness.sslRequest(), sequence: 1) + hello)
        #expect(actions == [.startClientTLS(received: hello)])
    }

    @Test func aClientThatDoesNotAskForTLSIsRefusedBeforeAnyPasswordIsAskedFor() {
        var session = SessionHarness()
        let actions = session.client(SessionHarness.handshakeResponse(plugin: "caching_sha2_password", password: "x"), sequence: 1)
        let packets = actions.packets(to: true)
        #expect(packets.count == 1)
        #expect(packets.first?.first == PacketHeader.error)
        let message = String(decoding: packets.first?.payload ?? [], as: UTF8.self)
        #expect(message.contains("Warden requires TLS"))
        #expect(!actions.contains { if case .authenticate = $0 { true } else { false } })
        #expect(actions.last == .closeClient)
    }

    /// GBK, SJIS and Big5 can hide a backslash in a multibyte character.
    @Test(arguments: [UInt8(28), 13, 1, 95, 24])
    func multibyteCharacterSetsAreRefusedAtSignIn(collation: UInt8) {
        var session = SessionHarness()
        _ = session.client(SessionHarness.sslRequest(collation: collation), sequence: 1)
        _ = session.machine.clientTLSEstablished()
        let actions = session.client(SessionHarness.handshakeResponse(collation: collation), sequence: 2)
        let message = String(decoding: actions.packets(to: true).first?.payload ?? [], as: UTF8.self)
        #expect(message.contains("character sets"))
        #expect(actions.last == .closeClient)
    }

    /// Compression would hide packets from the gateway: it is never offered, and a client that asks anyway is refused.
    @Test func aClientAskingForCompressionIsRefused() {
        var session = SessionHarness()
        _ = session.client(SessionHarness.sslRequest(), sequence: 1)
        _ = session.machine.clientTLSEstablished()
        var response = HandshakeResponse(capabilities: SessionHarness.clientCapabilities.union(.compress), characterSet: 45,
                                         user: "alice", authResponse: [], database: "orders", authPlugin: "mysql_clear_password")
        response.authResponse = Array(SessionHarness.token.utf8)
        let actions = session.client(response.payload, sequence: 2)
        let message = String(decoding: actions.packets(to: true).first?.payload ?? [], as: UTF8.self)
        #expect(message.contains("compressed"))
        #expect(!WardenMySQLCore.Capabilities.offered.contains(.compress))
    }

    @Test func aClientStartingWithAnotherMethodIsSwitchedToCachingSHA2AndAskedForItsTokenInClear() {
        var session = SessionHarness()
        _ = session.client(SessionHarness.sslRequest(), sequence: 1)
        _ = session.machine.clientTLSEstablished()
        let switched = session.client(SessionHarness.handshakeResponse(plugin: "mysql_native_password", password: "proof"), sequence: 2)
        #expect(switched.packets(to: true).first?.payload.starts(with: [0xFE] + Array("caching_sha2_password".utf8)) == true)
        let asked = session.client(Array(repeating: 0x55, count: 32), sequence: 4)
        #expect(asked.packets(to: true).first?.payload == [0x01, 0x04])
        let signed = session.client(Array(SessionHarness.token.utf8) + [0], sequence: 6)
        #expect(signed == [.authenticate(token: SessionHarness.token, connection: "orders", user: "alice")])
    }

    @Test func aRefusedStatementGetsTheServersAccessDeniedErrorAndTheSessionGoesOn() throws {
        var session = SessionHarness()
        session.signIn()
        let asked = session.client(SessionHarness.query("DROP TABLE customers"))
        #expect(asked.decisions.count == 1)
        let refused = session.machine.decided(.deny(reason: "no schema changes"))
        let error = refused.packets(to: true)
        #expect(error.count == 1 && error[0].sequence == 1)
        #expect(try ErrorPacket(parsing: error[0].payload) == ErrorPacket(code: 1227, sqlState: "42000", message: "no schema changes"))
        #expect(refused.packets(to: false).isEmpty, "a refused statement never reaches the upstream")
        #expect(session.client(SessionHarness.query("SELECT 1")).decisions.count == 1)
    }

    /// A session SET sql_mode that changes how quotes read is followed: once
    /// the server ran it, the next message is read with ANSI_QUOTES, where
    /// `"\"` is a name and the DROP after it a statement of its own.
    @Test func aSQLModeChangeIsFollowedOnceItRan() {
        var session = SessionHarness()
        session.signIn()
        let set = session.client(SessionHarness.query("SET SESSION sql_mode = 'ANSI_QUOTES'"))
        #expect(set.decisions.first?.attributes.contains { $0.key == "refuse" } == false)
        _ = session.machine.decided(.allow(actionID: 1))
        _ = session.upstream([OKPacket(status: .autocommit).payload])
        let hidden = session.client(SessionHarness.query(#"SELECT "\"; DROP TABLE t; -- ""#))
        #expect(hidden.decisions.first?.classification == .ddl, "\(hidden.decisions)")
        // Not the last statement of its message: what follows it would be read with the old syntax.
        _ = session.machine.decided(.deny(reason: "no"))
        let first = session.client(SessionHarness.query("SET sql_mode = ''; SELECT 1"))
        #expect(first.decisions.first?.attributes.contains { $0.key == "refuse" } == true)
    }

    /// A second command behind one in flight waits for its answer.
    @Test func aSecondCommandInTheSameReadWaitsForTheFirstsAnswer() {
        var session = SessionHarness()
        session.signIn()
        let both = PacketFramer.frame(SessionHarness.query("SELECT 1"), sequence: 0)
            + PacketFramer.frame(SessionHarness.query("DROP TABLE t"), sequence: 0)
        let first = session.clientBytes(both)
        #expect(first.decisions.map(\.text) == ["SELECT 1"])
        let running = session.machine.decided(.allow(actionID: 1))
        #expect(running.packets(to: false).map(\.payload) == [SessionHarness.query("SELECT 1")])
        let answered = session.upstream(SessionHarness.resultSet(columns: ["1"], rows: [["1"]]))
        #expect(answered.decisions.map(\.text) == ["DROP TABLE t"], "the second is decided only after the first's answer")
    }

    /// The gateway never reads a local file: a LOAD DATA LOCAL request from
    /// the server gets an empty packet, and the client an error, never the request.
    @Test func aLocalFileRequestFromTheServerIsNeverHonoured() {
        var session = SessionHarness()
        session.signIn()
        _ = session.client(SessionHarness.query("SELECT 1"))
        _ = session.machine.decided(.allow(actionID: 1))
        let request = session.upstream([[0xFB] + Array("/etc/passwd".utf8)])
        #expect(request.packets(to: false) == [MySQLPacket(sequence: 2, payload: [])])
        #expect(request.packets(to: true).isEmpty)
        let answered = session.upstream([OKPacket().payload], firstSequence: 3)
        let packets = answered.packets(to: true)
        #expect(packets.count == 1 && packets[0].first == PacketHeader.error && packets[0].sequence == 1)
    }

    @Test func maskedRowsAreRenumberedAndUnmaskedOnesPassAsTheyCame() throws {
        var session = SessionHarness(masking: true)
        session.signIn()
        _ = session.client(SessionHarness.query("SELECT name, email FROM customers"))
        _ = session.machine.decided(.allow(actionID: 1))
        let rows = SessionHarness.resultSet(columns: ["name", "email"], table: "customers",
                                            rows: [["Ada", "ada@example.com"], ["Grace", nil]])
        let answered = session.upstream(rows)
        let packets = answered.packets(to: true)
        #expect(packets.map(\.sequence) == Array(1...UInt8(packets.count)))
        #expect(try TextRow.values(packets[4].payload, columns: 2) == [Array("Ada".utf8), Array("****".utf8)])
        #expect(packets[5].payload == rows[5], "NULL stays NULL")
        #expect(session.masker?.offered.first?.map(\.source) == ["customers.name", "customers.email"])
        let record = answered.compactMap { if case .finished(let result) = $0 { result } else { nil } }.first
        #expect(record?.table?.rows == [["Ada", "****"], ["Grace", nil]], "the record holds what the client saw")
    }

    /// A value computed from a masked column has no source the rules can
    /// follow: when the statement names a masked column, every computed
    /// value is withheld (red team, MySQL round 1: REVERSE(email) came through).
    @Test func computedValuesOfAStatementNamingAMaskedColumnAreWithheld() throws {
        var session = SessionHarness(masking: true)
        session.signIn()
        _ = session.client(SessionHarness.query("SELECT name, REVERSE(email) FROM customers"))
        _ = session.machine.decided(.allow(actionID: 1))
        var rows = SessionHarness.resultSet(columns: ["name", "REVERSE(email)"], table: "customers", rows: [["Ada", "moc.elpmaxe@ada"]])
        // The computed column has no source table.
        rows[2] = SessionHarness.column("REVERSE(email)")
        let packets = session.upstream(rows).packets(to: true)
        #expect(try TextRow.values(packets[4].payload, columns: 2) == [Array("Ada".utf8), Array("(withheld)".utf8)])
        // A statement that names no masked column keeps its computed values.
        _ = session.client(SessionHarness.query("SELECT UPPER(name) FROM customers"))
        _ = session.machine.decided(.allow(actionID: 2))
        let plain = SessionHarness.resultSet(columns: ["UPPER(name)"], rows: [["ADA"]])
        #expect(try TextRow.values(session.upstream(plain).packets(to: true)[3].payload, columns: 1) == [Array("ADA".utf8)])
    }

    @Test func errorsThatEchoAValueWithholdItOnAMaskedConnection() throws {
        var session = SessionHarness(masking: true)
        session.signIn()
        _ = session.client(SessionHarness.query("INSERT INTO customers VALUES (1)"))
        _ = session.machine.decided(.allow(actionID: 1))
        let duplicate = ErrorPacket(code: 1062, sqlState: "23000", message: "Duplicate entry 'Ada Lovelace' for key 'name'")
        let packets = session.upstream([duplicate.payload]).packets(to: true)
        #expect(try ErrorPacket(parsing: packets[0].payload).message == "Duplicate entry '(withheld)' for key 'name'")
    }

    /// Statements longer than the connection's limit are dropped as they
    /// come (split packets included), answered with the server's own error,
    /// and the session goes on.
    @Test func anOversizedStatementIsRefusedWithoutBeingBufferedAndTheSessionGoesOn() {
        var session = SessionHarness(maxStatementBytes: 1_000)
        session.signIn()
        let big = SessionHarness.query("SELECT '" + String(repeating: "x", count: 20 * 1024 * 1024) + "'")
        let actions = session.client(big)
        #expect(actions.decisions.isEmpty)
        let packets = actions.packets(to: true)
        #expect(packets.count == 1 && (try? ErrorPacket(parsing: packets[0].payload))?.code == 1153)
        #expect(session.client(SessionHarness.query("SELECT 1")).decisions.map(\.text) == ["SELECT 1"])
    }

    /// Payloads of 16 MiB and more travel as several packets and arrive whole.
    @Test func aSplitStatementAndASplitRowPassIntact() {
        var session = SessionHarness(maxStatementBytes: 40 * 1024 * 1024)
        session.signIn()
        let text = "SELECT '" + String(repeating: "y", count: 17 * 1024 * 1024) + "'"
        _ = session.client(SessionHarness.query(text))
        let forwarded = session.machine.decided(.allow(actionID: 1)).packets(to: false)
        #expect(forwarded.count == 1 && forwarded[0].payload == SessionHarness.query(text))
        let value = String(repeating: "z", count: 17 * 1024 * 1024)
        let rows = SessionHarness.resultSet(columns: ["v"], rows: [[value]])
        let relayed = session.upstream(rows).packets(to: true)
        #expect(relayed.count == rows.count && relayed[3].payload == rows[3])
    }
}

struct UpstreamSignInTests {
    /// Without TLS, full authentication would send the gateway-held password
    /// encrypted to a key anyone could have sent: the client gets a readable
    /// error instead, in its sequence.
    @Test func fullAuthenticationWithoutTLSIsRefusedWithAReadableError() throws {
        var session = SessionHarness()
        _ = session.client(SessionHarness.sslRequest(), sequence: 1)
        _ = session.machine.clientTLSEstablished()
        _ = session.client(SessionHarness.handshakeResponse(), sequence: 2)
        _ = session.machine.authenticated(AuthenticatedIdentity(subject: "alice", groups: ["analysts"]))
        _ = session.machine.upstreamOpened(MySQLUpstreamSettings(user: "app", password: "secret", database: "orders", tls: .prefer))
        var capabilities = WardenMySQLCore.Capabilities.offered
        capabilities.remove(.ssl)
        let greeting = ServerGreeting(serverVersion: "8.0", connectionID: 9, scramble: Array(repeating: 0x42, count: 20),
                                      capabilities: capabilities, characterSet: 45, authPlugin: "caching_sha2_password")
        _ = session.upstream([greeting.payload], firstSequence: 0)
        let refused = session.upstream([[0x01, 0x04]], firstSequence: 2)
        let packets = refused.packets(to: true)
        #expect(packets.count == 1 && packets[0].sequence == 3)
        let error = try ErrorPacket(parsing: packets[0].payload)
        #expect(error.message.contains("set the connection's upstream tls: require"), "\(error.message)")
        #expect(refused.packets(to: false).isEmpty, "no password and no key request went upstream")
    }
}

struct ResponseReaderTests {
    /// COM_STMT_EXECUTE opening a cursor: definitions, then an EOF with
    /// SERVER_STATUS_CURSOR_EXISTS and no rows (they come with COM_STMT_FETCH).
    /// The gateway waited for rows for ever (red team, MySQL round 1).
    @Test func anOpenedCursorEndsTheExecutesAnswerAfterItsDefinitions() throws {
        var reader = ResponseReader(.results, deprecateEOF: false)
        _ = try reader.read(MySQLPacket(sequence: 1, payload: [1]))
        _ = try reader.read(MySQLPacket(sequence: 2, payload: SessionHarness.column("id")))
        let eof: [UInt8] = [0xFE, 0, 0, 0x42, 0]  // autocommit | cursor exists
        #expect(try reader.read(MySQLPacket(sequence: 3, payload: eof)) == .columnsEnd)
        #expect(reader.isComplete)
    }
}

struct MaskedReadsTests {
    /// Read from tokens, as the server reads: a comment before SHOW or a
    /// masked column's name in backticks is seen; one in a string is not a column.
    @Test func statementsAreReadFromTheirTokens() {
        let reads = MaskedReads(columnNames: ["Email"])
        let syntax = MySQLSyntax()
        #expect(reads.reading(Array("/* x */ SHOW WARNINGS".utf8), syntax: syntax).listsMessages)
        #expect(reads.reading(Array("show errors limit 1".utf8), syntax: syntax).listsMessages)
        #expect(reads.reading(Array("SELECT HEX(`EMAIL`) FROM t".utf8), syntax: syntax).namesMaskedColumn)
        #expect(!reads.reading(Array("SELECT 'email' FROM t".utf8), syntax: syntax).namesMaskedColumn)
        #expect(reads.reading(Array("SELECT 'unclosed".utf8), syntax: syntax) == .init(namesMaskedColumn: true, listsMessages: true))
    }
}

struct ErrorMaskingTests {
    @Test(arguments: [
        ("Duplicate entry 'ada@example.com' for key 'email'", "Duplicate entry '(withheld)' for key 'email'"),
        ("Duplicate entry 'it' for key 'x' for key 'email'", "Duplicate entry '(withheld)' for key 'email'"),
        ("Incorrect integer value: '4111 1111' for column `orders`.`t`.`n` at row 1",
         "Incorrect integer value: '(withheld)' for column `orders`.`t`.`n` at row 1"),
        ("Truncated incorrect DOUBLE value: 'abc'", "Truncated incorrect DOUBLE value: '(withheld)'"),
        ("no quote here", "no quote here"),
    ])
    func theFirstQuotedValueIsWithheld(_ message: String, _ expected: String) {
        #expect(ErrorMasking.withholdingFirstQuote(message) == expected)
    }
}
