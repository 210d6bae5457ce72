/// A decoded startup-phase packet from a client (the packets without a type byte).
enum StartupPacket: Equatable, Sendable {
    /// The client asks to upgrade to TLS (code 80877103).
    case sslRequest
    /// The client asks for GSSAPI encryption (code 80877104).
    case gssEncRequest
    /// A cancel request on a fresh connection (code 80877102), with the key the
    /// gateway gave the session to cancel.
    case cancelRequest(BackendKey)
    /// A StartupMessage with protocol major version 3.
    case startup(StartupMessage)
    /// A protocol version Warden does not speak.
    case unsupportedVersion(major: Int, minor: Int)

    static let sslRequestCode: Int32 = 80_877_103
    static let gssEncRequestCode: Int32 = 80_877_104
    static let cancelRequestCode: Int32 = 80_877_102
    /// Protocol 3.0: major 3 in the high 16 bits, minor 0 in the low.
    static let protocol30: Int32 = 196_608

    /// Decodes the body of a startup packet (everything after the length field).
    /// Returns `nil` when the packet is malformed.
    init?(body: ArraySlice<UInt8>) {
        var reader = ByteReader(body)
        guard let code = reader.readInt32() else { return nil }
        switch code {
        case Self.sslRequestCode, Self.gssEncRequestCode:
            guard reader.isAtEnd else { return nil }
            self = code == Self.sslRequestCode ? .sslRequest : .gssEncRequest
        case Self.cancelRequestCode:
            // Protocol 3.2 allows longer secret keys; Warden hands out 4-byte keys
            // only, so anything else cannot name one of its sessions.
            guard let processID = reader.readInt32(), let secretKey = reader.readInt32(), reader.isAtEnd else {
                return nil
            }
            self = .cancelRequest(BackendKey(processID: processID, secretKey: secretKey))
        default:
            let major = Int(UInt32(bitPattern: code) >> 16)
            let minor = Int(UInt32(bitPattern: code) & 0xFFFF)
            guard major == 3 else {
                self = .unsupportedVersion(major: major, minor: minor)
                return
            }
            guard let message = StartupMessage(minorVersion: minor, parameters: &reader) else { return nil }
            self = .startup(message)
        }
    }
}

/// The parameters of a protocol-3 StartupMessage, in the order the client sent them.
struct StartupMessage: Equatable, Sendable {
    var minorVersion: Int
    var parameters: [(name: String, value: String)]

    init(minorVersion: Int = 0, parameters: [(name: String, value: String)]) {
        self.minorVersion = minorVersion
        self.parameters = parameters
    }

    /// Reads `name\0value\0 … \0`. Rejects duplicates: two values for one name
    /// would let the gateway and the upstream disagree about which one counts.
    init?(minorVersion: Int, parameters reader: inout ByteReader) {
        self.minorVersion = minorVersion
        self.parameters = []
        var seen: Set<String> = []
        while true {
            guard let name = reader.readCString() else { return nil }
            if name.isEmpty { break }
            guard let value = reader.readCString(), seen.insert(name).inserted else { return nil }
            parameters.append((name, value))
        }
        guard reader.isAtEnd else { return nil }
    }

    /// The value of a parameter, its name compared without regard to case
    /// as PostgreSQL compares setting names.
    subscript(name: String) -> String? {
        parameters.first { $0.name.lowercased() == name }?.value
    }

    static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.minorVersion == rhs.minorVersion
            && lhs.parameters.map(\.name) == rhs.parameters.map(\.name)
            && lhs.parameters.map(\.value) == rhs.parameters.map(\.value)
    }
}
