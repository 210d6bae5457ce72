/// The first byte that says what a server packet is.
enum PacketHeader {
    static let ok: UInt8 = 0x00
    static let authMoreData: UInt8 = 0x01
    static let localInfile: UInt8 = 0xFB
    static let eof: UInt8 = 0xFE
    static let authSwitch: UInt8 = 0xFE
    static let error: UInt8 = 0xFF
}

/// An OK packet, or the EOF that ends a result in place of one.
struct OKPacket: Equatable, Sendable {
    var affectedRows: UInt64 = 0
    var lastInsertID: UInt64 = 0
    var status: ServerStatus = []
    var warnings: UInt16 = 0

    init(affectedRows: UInt64 = 0, lastInsertID: UInt64 = 0, status: ServerStatus = [], warnings: UInt16 = 0) {
        self.affectedRows = affectedRows
        self.lastInsertID = lastInsertID
        self.status = status
        self.warnings = warnings
    }

    /// An OK packet (header 0x00, or 0xFE where it ends rows under CLIENT_DEPRECATE_EOF).
    init(parsing payload: [UInt8]) throws(MySQLProtocolError) {
        var reader = PacketReader(payload, offset: 1)
        affectedRows = try reader.lengthEncodedInteger() ?? 0
        lastInsertID = try reader.lengthEncodedInteger() ?? 0
        if reader.remainingCount >= 4 {
            status = ServerStatus(rawValue: UInt16(try reader.integer(2)))
            warnings = UInt16(try reader.integer(2))
        }
    }

    /// The status flags of an old-style EOF packet (0xFE, warnings, status).
    static func eofStatus(_ payload: [UInt8]) -> ServerStatus {
        guard payload.count >= 5 else { return [] }
        return ServerStatus(rawValue: UInt16(payload[3]) | UInt16(payload[4]) << 8)
    }

    var payload: [UInt8] { payload(header: PacketHeader.ok) }

    func payload(header: UInt8) -> [UInt8] {
        var writer = PacketWriter(reservingCapacity: 16)
        writer.byte(header)
        writer.lengthEncodedInteger(affectedRows)
        writer.lengthEncodedInteger(lastInsertID)
        writer.integer(UInt64(status.rawValue), width: 2)
        writer.integer(UInt64(warnings), width: 2)
        return writer.bytes
    }
}

/// An ERR packet.
struct ErrorPacket: Equatable, Sendable, Error {
    var code: UInt16
    var sqlState: String
    var message: String

    init(code: UInt16, sqlState: String, message: String) {
        self.code = code
        self.sqlState = sqlState
        self.message = message
    }

    init(parsing payload: [UInt8]) throws(MySQLProtocolError) {
        var reader = PacketReader(payload, offset: 1)
        code = UInt16(try reader.integer(2))
        sqlState = "HY000"
        if reader.remainingCount >= 6, payload[reader.offset] == UInt8(ascii: "#") {
            try reader.skip(1)
            sqlState = String(decoding: try reader.bytes(5), as: UTF8.self)
        }
        message = String(decoding: reader.rest(), as: UTF8.self)
    }

    var payload: [UInt8] {
        var writer = PacketWriter(reservingCapacity: 16 + message.utf8.count)
        writer.byte(PacketHeader.error)
        writer.integer(UInt64(code), width: 2)
        writer.byte(UInt8(ascii: "#"))
        writer.append(sqlState.utf8.prefix(5))
        writer.append(message.utf8)
        return writer.bytes
    }

    // The server's own codes, so that clients and drivers react as they do to the server.
    /// ER_SPECIFIC_ACCESS_DENIED_ERROR: a statement the gateway refuses,
    /// with the policy's reason as the host words it.
    static func refused(_ reason: String) -> ErrorPacket {
        ErrorPacket(code: 1227, sqlState: "42000", message: reason)
    }

    /// ER_ACCESS_DENIED_ERROR: sign-in refused.
    static func accessDenied(_ reason: String) -> ErrorPacket {
        ErrorPacket(code: 1045, sqlState: "28000", message: reason)
    }

    /// ER_NOT_SUPPORTED_YET.
    static func notSupported(_ what: String) -> ErrorPacket {
        ErrorPacket(code: 1235, sqlState: "42000", message: "Warden does not support \(what)")
    }

    /// ER_NO_SUCH_THREAD: what the server says of an id it does not know.
    static func unknownThread(_ id: UInt32) -> ErrorPacket {
        ErrorPacket(code: 1094, sqlState: "HY000", message: "Unknown thread id: \(id)")
    }

    /// ER_CON_COUNT_ERROR: too many connections.
    static func tooManyConnections(_ reason: String) -> ErrorPacket {
        ErrorPacket(code: 1040, sqlState: "08004", message: reason)
    }

    /// ER_UNKNOWN_ERROR with SQLSTATE 08S01 (communication error): the gateway ends the session.
    static func sessionEnded(_ reason: String) -> ErrorPacket {
        ErrorPacket(code: 1927, sqlState: "70100", message: reason)
    }
}

/// A request to continue the sign-in with another method (0xFE, plugin name, data).
struct AuthSwitchRequest: Equatable, Sendable {
    var plugin: String
    var data: [UInt8]

    init(plugin: String, data: [UInt8]) {
        self.plugin = plugin
        self.data = data
    }

    init(parsing payload: [UInt8]) throws(MySQLProtocolError) {
        var reader = PacketReader(payload, offset: 1)
        plugin = try reader.nulTerminatedString()
        var data = reader.rest()
        if data.last == 0 { data.removeLast() }
        self.data = data
    }

    var payload: [UInt8] {
        var writer = PacketWriter(reservingCapacity: 48)
        writer.byte(PacketHeader.authSwitch)
        writer.nulTerminated(plugin)
        writer.append(data)
        writer.byte(0)
        return writer.bytes
    }
}
