import WardenPluginSDK
@testable import WardenMySQLCore

/// Drives a ``MySQLSessionMachine`` with the packets a client and an
/// upstream server would send, up to the command phase.
struct SessionHarness {
    var machine: MySQLSessionMachine
    let masker: RecordingMasker?

    static let token = "token-of-alice"

    init(masking: Bool = false, maxStatementBytes: Int = 1 << 20) {
        let masker = masking ? RecordingMasker() : nil
        self.masker = masker
        machine = MySQLSessionMachine(
            greeting: ServerGreeting(
                serverVersion: "test", connectionID: 7, scramble: Array(repeating: 0x41, count: 20),
                capabilities: WardenMySQLCore.Capabilities.offered, characterSet: 45, authPlugin: "caching_sha2_password"),
            resultCaptureLimit: 4096, fieldMasker: masker)
        _ = machine.start()
        self.maxStatementBytes = maxStatementBytes
        self.masking = masking
    }

    private let maxStatementBytes: Int
    private let masking: Bool

    static let clientCapabilities: WardenMySQLCore.Capabilities = [
        .protocol41, .secureConnection, .pluginAuth, .pluginAuthLengthEncodedData, .connectWithDatabase, .ssl,
        .multiStatements, .multiResults, .transactions,
    ]

    mutating func client(_ payload: [UInt8], sequence: UInt8 = 0) -> [MySQLSessionAction] {
        PacketFramer.frame(payload, sequence: sequence).withUnsafeBytes { machine.clientData($0) }
    }

    mutating func clientBytes(_ bytes: [UInt8]) -> [MySQLSessionAction] {
        bytes.withUnsafeBytes { machine.clientData($0) }
    }

    mutating func upstream(_ payloads: [[UInt8]], firstSequence: UInt8 = 1) -> [MySQLSessionAction] {
        var bytes: [UInt8] = [], sequence = firstSequence
        for payload in payloads { PacketFramer.frame(payload, sequence: &sequence, into: &bytes) }
        return bytes.withUnsafeBytes { machine.upstreamData($0) }
    }

    static func sslRequest(collation: UInt8 = 45) -> [UInt8] {
        HandshakeResponse(capabilities: clientCapabilities, characterSet: collation, user: "", authResponse: [],
                          database: nil, authPlugin: nil).sslRequestPayload
    }

    static func handshakeResponse(collation: UInt8 = 45, database: String? = "orders", plugin: String = "mysql_clear_password",
                                  password: String = token) -> [UInt8] {
        HandshakeResponse(capabilities: clientCapabilities, characterSet: collation, user: "alice",
                          authResponse: Array(password.utf8) + [0], database: database, authPlugin: plugin).payload
    }

    /// Signs in and reaches the command phase; the upstream speaks MariaDB with CLIENT_DEPRECATE_EOF off.
    mutating func signIn() {
        _ = client(Self.sslRequest(), sequence: 1)
        _ = machine.clientTLSEstablished()
        _ = client(Self.handshakeResponse(), sequence: 2)
        _ = machine.authenticated(AuthenticatedIdentity(subject: "alice", groups: ["analysts"]))
        _ = machine.upstreamOpened(MySQLUpstreamSettings(
            user: "app", password: "secret", database: "orders", tls: .disable, masking: masking, maskColumns: ["email"],
            maxStatementBytes: maxStatementBytes))
        var serverCapabilities = WardenMySQLCore.Capabilities.offered
        serverCapabilities.remove(.deprecateEOF)
        let greeting = ServerGreeting(serverVersion: "10.11-MariaDB", connectionID: 99, scramble: Array(repeating: 0x42, count: 20),
                                      capabilities: serverCapabilities, characterSet: 45, authPlugin: "mysql_native_password")
        _ = upstream([greeting.payload], firstSequence: 0)
        _ = upstream([OKPacket().payload], firstSequence: 2)
        _ = upstream(Self.resultSet(columns: ["@@SESSION.sql_mode"], rows: [["STRICT_TRANS_TABLES"]]))
        precondition(machine.phase == .ready, "the harness did not reach the command phase: \(machine.phase)")
    }

    static func column(_ name: String, table: String = "", type: UInt8 = ColumnType.varString) -> [UInt8] {
        var writer = PacketWriter()
        for text in ["def", "orders", table, table, name, name] { writer.lengthEncoded(text) }
        writer.byte(0x0C)
        writer.integer(45, width: 2)
        writer.integer(255, width: 4)
        writer.byte(type)
        writer.integer(0, width: 2)
        writer.byte(0)
        writer.zeros(2)
        return writer.bytes
    }

    static let eof: [UInt8] = [0xFE, 0, 0, 0x02, 0]

    /// A text result set without CLIENT_DEPRECATE_EOF.
    static func resultSet(columns: [String], table: String = "", rows: [[String?]]) -> [[UInt8]] {
        var packets: [[UInt8]] = [[UInt8(columns.count)]]
        packets += columns.map { column($0, table: table) }
        packets.append(eof)
        packets += rows.map { row in TextRow.payload(row.map { $0.map { Array($0.utf8) } }) }
        packets.append(eof)
        return packets
    }

    static func query(_ text: String) -> [UInt8] { [Command.query] + Array(text.utf8) }
}

/// Masks every value of a column named `email` and records what it was offered.
final class RecordingMasker: MySQLFieldMasker {
    var offered: [[Field]] = []

    func mask(_ fields: [Field]) -> [Int: String]? {
        offered.append(fields)
        var changes: [Int: String] = [:]
        for (index, field) in fields.enumerated() {
            if field.name == "email" { changes[index] = "****" }
            if field.name == "message", let value = field.value, value.contains("@") { changes[index] = "[message masked]" }
        }
        return changes
    }
}

extension [MySQLSessionAction] {
    /// The packets sent to one side, in order, deframed.
    func packets(to client: Bool) -> [MySQLPacket] {
        var framer = PacketFramer(maxPayload: .max)
        for action in self {
            switch action {
            case .sendToClient(let bytes) where client: framer.append(bytes)
            case .sendToUpstream(let bytes) where !client: framer.append(bytes)
            default: break
            }
        }
        var packets: [MySQLPacket] = []
        while let packet = framer.next() { packets.append(packet) }
        return packets
    }

    var decisions: [Action] {
        compactMap { if case .decide(let action) = $0 { action } else { nil } }
    }
}
