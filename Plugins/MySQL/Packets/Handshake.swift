/// The server's first packet (Protocol::HandshakeV10).
struct ServerGreeting: Equatable, Sendable {
    var serverVersion: String
    var connectionID: UInt32
    /// The 20 bytes the password proofs are computed over.
    var scramble: [UInt8]
    var capabilities: Capabilities
    var characterSet: UInt8
    var status: UInt16
    var authPlugin: String

    init(serverVersion: String, connectionID: UInt32, scramble: [UInt8], capabilities: Capabilities,
         characterSet: UInt8, status: UInt16 = 0x0002, authPlugin: String) {
        self.serverVersion = serverVersion
        self.connectionID = connectionID
        self.scramble = scramble
        self.capabilities = capabilities
        self.characterSet = characterSet
        self.status = status
        self.authPlugin = authPlugin
    }

    init(parsing payload: [UInt8]) throws(MySQLProtocolError) {
        var reader = PacketReader(payload)
        let version = try reader.byte()
        guard version == 10 else { throw .malformed("the server speaks handshake protocol \(version), not 10") }
        serverVersion = try reader.nulTerminatedString()
        connectionID = UInt32(try reader.integer(4))
        var scramble = try reader.bytes(8)
        try reader.skip(1)
        var flags = UInt32(try reader.integer(2))
        characterSet = 0
        status = 0
        authPlugin = "mysql_native_password"
        if !reader.isAtEnd {
            characterSet = try reader.byte()
            status = UInt16(try reader.integer(2))
            flags |= UInt32(try reader.integer(2)) << 16
            let authDataLength = Int(try reader.byte())
            try reader.skip(10)  // reserved; MariaDB keeps its extended capabilities in the last four
            if Capabilities(rawValue: flags).contains(.secureConnection) {
                let rest = max(13, authDataLength - 8)
                var part = try reader.bytes(rest)
                if part.last == 0 { part.removeLast() }
                scramble += part
            }
            if Capabilities(rawValue: flags).contains(.pluginAuth), !reader.isAtEnd {
                let name = reader.rest()
                authPlugin = String(decoding: name.prefix { $0 != 0 }, as: UTF8.self)
            }
        }
        capabilities = Capabilities(rawValue: flags)
        self.scramble = scramble
    }

    var payload: [UInt8] {
        var writer = PacketWriter(reservingCapacity: 96)
        writer.byte(10)
        writer.nulTerminated(serverVersion)
        writer.integer(UInt64(connectionID), width: 4)
        writer.append(scramble.prefix(8))
        writer.byte(0)
        writer.integer(UInt64(capabilities.rawValue & 0xFFFF), width: 2)
        writer.byte(characterSet)
        writer.integer(UInt64(status), width: 2)
        writer.integer(UInt64(capabilities.rawValue >> 16), width: 2)
        writer.byte(UInt8(scramble.count + 1))
        writer.zeros(10)
        writer.append(scramble.dropFirst(8))
        writer.byte(0)
        writer.nulTerminated(authPlugin)
        return writer.bytes
    }
}

/// The client's answer to the greeting (Protocol::HandshakeResponse41), or
/// its first 32 bytes alone: the SSLRequest that asks for TLS first.
struct HandshakeResponse: Equatable, Sendable {
    var capabilities: Capabilities
    var maxPacketSize: UInt32
    var characterSet: UInt8
    var user: String
    var authResponse: [UInt8]
    var database: String?
    var authPlugin: String?
    /// The connection attributes, as sent (a length-encoded block).
    var attributes: [UInt8]?

    /// An SSLRequest: the fixed part only.
    var isSSLRequest = false

    init(capabilities: Capabilities, maxPacketSize: UInt32 = 1 << 24, characterSet: UInt8, user: String,
         authResponse: [UInt8], database: String?, authPlugin: String?, attributes: [UInt8]? = nil) {
        self.capabilities = capabilities
        self.maxPacketSize = maxPacketSize
        self.characterSet = characterSet
        self.user = user
        self.authResponse = authResponse
        self.database = database
        self.authPlugin = authPlugin
        self.attributes = attributes
    }

    init(parsing payload: [UInt8]) throws(MySQLProtocolError) {
        var reader = PacketReader(payload)
        capabilities = Capabilities(rawValue: UInt32(try reader.integer(4)))
        guard capabilities.contains(.protocol41) else {
            throw .malformed("the client speaks the pre-4.1 protocol, which Warden does not support")
        }
        maxPacketSize = UInt32(try reader.integer(4))
        characterSet = try reader.byte()
        try reader.skip(23)
        user = ""
        authResponse = []
        if reader.isAtEnd {
            isSSLRequest = true
            return
        }
        user = try reader.nulTerminatedString()
        if capabilities.contains(.pluginAuthLengthEncodedData) {
            authResponse = try reader.lengthEncodedBytes() ?? []
        } else if capabilities.contains(.secureConnection) {
            authResponse = try reader.bytes(Int(try reader.byte()))
        } else {
            authResponse = try reader.nulTerminatedBytes()
        }
        if capabilities.contains(.connectWithDatabase), !reader.isAtEnd {
            database = try reader.nulTerminatedString()
        }
        if capabilities.contains(.pluginAuth), !reader.isAtEnd {
            authPlugin = try reader.nulTerminatedString()
        }
        if capabilities.contains(.connectAttributes), !reader.isAtEnd {
            let start = reader.offset
            if let length = try reader.lengthEncodedInteger() {
                try reader.skip(Int(clamping: length))
            }
            attributes = Array(payload[start..<reader.offset])
        }
    }

    /// The SSLRequest of these capabilities.
    var sslRequestPayload: [UInt8] {
        var writer = PacketWriter(reservingCapacity: 32)
        writer.integer(UInt64(capabilities.union(.ssl).rawValue), width: 4)
        writer.integer(UInt64(maxPacketSize), width: 4)
        writer.byte(characterSet)
        writer.zeros(23)
        return writer.bytes
    }

    var payload: [UInt8] {
        var writer = PacketWriter(reservingCapacity: 128)
        writer.integer(UInt64(capabilities.rawValue), width: 4)
        writer.integer(UInt64(maxPacketSize), width: 4)
        writer.byte(characterSet)
        writer.zeros(23)
        writer.nulTerminated(user)
        writer.lengthEncoded(authResponse)
        if let database { writer.nulTerminated(database) }
        if let authPlugin { writer.nulTerminated(authPlugin) }
        if let attributes { writer.append(attributes) }
        return writer.bytes
    }
}
