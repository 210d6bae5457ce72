/// A decoded upstream 'R' (Authentication*) message.
enum AuthenticationRequest: Equatable, Sendable {
    case ok
    case kerberosV5
    case cleartextPassword
    case md5Password(salt: [UInt8])
    case gss
    case gssContinue
    case sspi
    case sasl(mechanisms: [String])
    case saslContinue(data: [UInt8])
    case saslFinal(data: [UInt8])
    /// A code this version does not know.
    case unknown(code: Int32)

    /// Decodes the body of an 'R' message; `nil` if malformed.
    init?(body: ArraySlice<UInt8>) {
        var reader = ByteReader(body)
        guard let code = reader.readInt32() else { return nil }
        switch code {
        case 0: self = .ok
        case 2: self = .kerberosV5
        case 3: self = .cleartextPassword
        case 5:
            guard let salt = reader.readBytes(4) else { return nil }
            self = .md5Password(salt: Array(salt))
        case 7: self = .gss
        case 8: self = .gssContinue
        case 9: self = .sspi
        case 10:
            var mechanisms: [String] = []
            while true {
                guard let name = reader.readCString() else { return nil }
                if name.isEmpty { break }
                mechanisms.append(name)
            }
            self = .sasl(mechanisms: mechanisms)
        case 11: self = .saslContinue(data: Array(reader.readRemaining()))
        case 12: self = .saslFinal(data: Array(reader.readRemaining()))
        default: self = .unknown(code: code)
        }
        switch self {
        case .saslContinue, .saslFinal, .gssContinue: break
        default: guard reader.isAtEnd else { return nil }
        }
    }
}
