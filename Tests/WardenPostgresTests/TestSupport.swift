@testable import WardenPostgres

/// Helpers shared by the WardenPostgres tests.
enum Bytes {
    static func ascii(_ text: String) -> [UInt8] { Array(text.utf8) }

    /// Splits the output of a typed stream into messages; traps on junk, which is fine in tests.
    static func messages(_ bytes: [UInt8]) -> [PostgresFrame] {
        var framer = MessageFramer(mode: .typed, maxMessageLength: 1 << 30)
        framer.append(bytes)
        var result: [PostgresFrame] = []
        while let frame = try? framer.next() { result.append(frame) }
        precondition(framer.bufferedByteCount == 0, "trailing partial message")
        return result
    }

    /// Message type letters of a typed stream, e.g. "EZ".
    static func types(_ bytes: [UInt8]) -> String {
        String(messages(bytes).compactMap { $0.type.map { Character(UnicodeScalar($0)) } })
    }
}

extension [PostgresSessionAction] {
    /// All bytes sent to the client, concatenated.
    var toClient: [UInt8] {
        flatMap { action -> [UInt8] in
            if case .sendToClient(let bytes) = action { return bytes }
            return []
        }
    }

    var toUpstream: [UInt8] {
        flatMap { action -> [UInt8] in
            if case .sendToUpstream(let bytes) = action { return bytes }
            return []
        }
    }

    /// The actions without log lines (their wording is not under test).
    var withoutLogs: [PostgresSessionAction] {
        filter { if case .log = $0 { false } else { true } }
    }

    /// The first ErrorResponse sent to the client.
    var clientError: ErrorFields? {
        Bytes.messages(toClient).first { $0.type == UInt8(ascii: "E") }.flatMap { ErrorFields(body: $0.body) }
    }

    var logText: String {
        compactMap { if case .log(_, let message) = $0 { message } else { nil } }.joined(separator: "\n")
    }
}

/// Backend messages a scripted upstream sends.
enum Upstream {
    static func parameterStatus(_ name: String, _ value: String) -> [UInt8] {
        BackendMessages.parameterStatus(name: name, value: value)
    }

    static func backendKeyData(_ processID: Int32, _ secret: Int32) -> [UInt8] {
        BackendMessages.backendKeyData(BackendKey(processID: processID, secretKey: secret))
    }

    static func dataRow(_ value: String) -> [UInt8] {
        MessageWriter.message(UInt8(ascii: "D")) { out in
            out.appendInt16(1)
            out.appendInt32(Int32(value.utf8.count))
            out.append(contentsOf: value.utf8)
        }
    }

    static func rowDescription(_ column: String) -> [UInt8] {
        MessageWriter.message(UInt8(ascii: "T")) { out in
            out.appendInt16(1)
            out.appendCString(column)
            out.appendInt32(0); out.appendInt16(0); out.appendInt32(25); out.appendInt16(-1)
            out.appendInt32(-1); out.appendInt16(0)
        }
    }

    /// A RowDescription of text (or, with `format` 1, binary) columns.
    static func rowDescription(columns: [String], format: Int16 = 0) -> [UInt8] {
        MessageWriter.message(UInt8(ascii: "T")) { out in
            out.appendInt16(Int16(columns.count))
            for column in columns {
                out.appendCString(column)
                out.appendInt32(0); out.appendInt16(0); out.appendInt32(25); out.appendInt16(-1)
                out.appendInt32(-1); out.appendInt16(format)
            }
        }
    }

    /// A DataRow; `nil` is NULL (length -1).
    static func dataRow(values: [String?]) -> [UInt8] {
        MessageWriter.message(UInt8(ascii: "D")) { out in
            out.appendInt16(Int16(values.count))
            for value in values {
                guard let value else {
                    out.appendInt32(-1)
                    continue
                }
                out.appendInt32(Int32(value.utf8.count))
                out.append(contentsOf: value.utf8)
            }
        }
    }

    static func commandComplete(_ tag: String) -> [UInt8] {
        MessageWriter.message(UInt8(ascii: "C")) { $0.appendCString(tag) }
    }

    static func error(_ code: String, _ message: String, severity: BackendMessages.Severity = .error) -> [UInt8] {
        BackendMessages.errorResponse(severity, code: code, message: message)
    }
}

/// Drives one ``PostgresSessionMachine`` through the usual startup.
struct SessionHarness {
    var machine: PostgresSessionMachine
    let cancelKeys: CancelKeyTable

    var credentials = Self.credentials

    init(clientTLSAvailable: Bool = true, cancelKeys: CancelKeyTable = CancelKeyTable(),
         resultCaptureLimit: Int = 0, fieldMasker: (any FieldMasker)? = nil, nonce: String = "clientnonce0123456789") {
        self.cancelKeys = cancelKeys
        self.machine = PostgresSessionMachine(
            clientTLSAvailable: clientTLSAvailable, cancelKeys: cancelKeys,
            resultCaptureLimit: resultCaptureLimit, fieldMasker: fieldMasker, hostSession: Self.hostSession,
            makeNonce: { nonce })
    }

    /// The host's handle of the harness's session, as the adapter would pass it.
    static let hostSession: UInt64 = 9

    static let startupParameters: [(name: String, value: String)] = [
        ("user", "alice"), ("database", "analytics"), ("application_name", "psql"),
        ("client_encoding", "UTF8"), ("options", "-c role=admin"), ("role", "admin"),
    ]

    static let credentials = UpstreamCredentials(
        user: "warden_ro", password: "upstream-secret", database: "analytics_prod", tlsMode: .require)

    /// SSLRequest, TLS, StartupMessage, token: ends with `authenticate` emitted.
    mutating func signInClient(token: String = "eyJ.token") {
        _ = machine.clientData(FrontendMessages.sslRequest())
        _ = machine.clientTLSEstablished()
        _ = machine.clientData(FrontendMessages.startupMessage(Self.startupParameters))
        _ = machine.clientData(FrontendMessages.passwordMessage(token))
    }

    /// Through client sign-in, upstream TLS and a trust (no password) upstream sign-in, to Ready.
    mutating func startReady(upstreamKey: BackendKey = BackendKey(processID: 4242, secretKey: 777))
        -> [PostgresSessionAction] {
        signInClient()
        _ = machine.authenticated(AuthenticatedIdentity(subject: "alice@example.com", groups: ["analysts"]))
        _ = machine.upstreamOpened(credentials)
        _ = machine.upstreamData([UInt8(ascii: "S")])
        _ = machine.upstreamTLSEstablished()
        return machine.upstreamData(BackendMessages.authenticationOk()
            + Upstream.parameterStatus("server_version", "17.2")
            + BackendMessages.backendKeyData(upstreamKey)
            + BackendMessages.readyForQuery(.idle))
    }
}

extension BackendKey {
    /// Reads the key out of a BackendKeyData message.
    init?(backendKeyData frame: PostgresFrame) {
        var reader = ByteReader(frame.body)
        guard let processID = reader.readInt32(), let secretKey = reader.readInt32() else { return nil }
        self.init(processID: processID, secretKey: secretKey)
    }
}
