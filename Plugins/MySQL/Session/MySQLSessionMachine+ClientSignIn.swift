import WardenPluginSDK

/// The client's sign-in: TLS first, then its OIDC token as the password.
extension MySQLSessionMachine {
    static let cachingSHA2 = "caching_sha2_password"
    static let clearPassword = "mysql_clear_password"
    /// caching_sha2_password's "perform full authentication": the client
    /// then sends its password in clear, which it does only over TLS.
    static let performFullAuthentication: [UInt8] = [PacketHeader.authMoreData, 0x04]

    mutating func handleClientSignIn(_ packet: MySQLPacket, _ out: inout [MySQLSessionAction]) {
        clientSequence = packet.sequence &+ 1
        switch phase {
        case .greeted: handleFirstResponse(packet, &out)
        case .handshakeResponse: handleHandshakeResponse(packet, &out)
        case .switchingMethod:
            // The client's caching_sha2_password proof: useless without the
            // password, which the next step asks for.
            sendToClient(Self.performFullAuthentication, &out)
            phase = .awaitingPassword
        case .awaitingPassword: handleToken(packet.payload, &out)
        default: break
        }
    }

    /// The first answer to the greeting must be an SSLRequest: a client that
    /// answers in clear is refused before anyone asks for its password.
    private mutating func handleFirstResponse(_ packet: MySQLPacket, _ out: inout [MySQLSessionAction]) {
        let response: HandshakeResponse
        do {
            response = try HandshakeResponse(parsing: packet.payload)
        } catch {
            return fail(&out, client: .accessDenied("Warden could not read the sign-in: \(error)"), log: "unreadable handshake response: \(error)")
        }
        guard response.isSSLRequest else {
            return fail(&out, client: .accessDenied("""
                Warden requires TLS before the password (an OIDC token) is sent: connect with --ssl \
                (mariadb/mysql), ssl={} (PyMySQL) or ssl_mode=REQUIRED
                """), log: "refused a client that did not ask for TLS")
        }
        guard greeting.capabilities.contains(.ssl) else {
            return fail(&out, client: .accessDenied("this Warden listener has no TLS certificate"), log: "TLS is not configured on this listener")
        }
        phase = .clientTLS
        // The client starts its handshake without waiting for an answer.
        out.append(.startClientTLS(received: clientFramer.takeUnframed()))
    }

    mutating func clientTLSEstablished() -> [MySQLSessionAction] {
        guard phase == .clientTLS else { return [] }
        phase = .handshakeResponse
        var out: [MySQLSessionAction] = []
        processClientPackets(&out)
        return out
    }

    private mutating func handleHandshakeResponse(_ packet: MySQLPacket, _ out: inout [MySQLSessionAction]) {
        let response: HandshakeResponse
        do {
            response = try HandshakeResponse(parsing: packet.payload)
        } catch {
            return fail(&out, client: .accessDenied("Warden could not read the sign-in: \(error)"), log: "unreadable handshake response: \(error)")
        }
        guard !response.isSSLRequest else {
            return fail(&out, client: .accessDenied("a second SSLRequest"), log: "the client asked for TLS twice")
        }
        guard CharacterSets.isAllowed(collation: response.characterSet) else {
            return fail(&out, client: .accessDenied("""
                Warden accepts the character sets utf8mb4 and utf8mb3; collation \(response.characterSet) is another \
                (Warden reads statements as UTF-8: in GBK or SJIS a character can hide a quote, in latin1 a byte is a space)
                """), log: "refused character set collation \(response.characterSet)")
        }
        guard response.capabilities.isDisjoint(with: [.compress, .zstdCompression]) else {
            return fail(&out, client: .accessDenied("Warden does not support compressed connections: connect without --compress"),
                        log: "refused a client that asked for compression")
        }
        let database = response.database ?? ""
        guard database.utf8.count <= 64, database.unicodeScalars.allSatisfy({ $0.value >= 0x20 }) else {
            return fail(&out, client: .accessDenied("the database name is not a Warden connection name"),
                        log: "refused a database name that is too long or holds control characters")
        }
        client = response
        switch response.authPlugin {
        case Self.clearPassword:
            handleToken(response.authResponse, &out)
        case Self.cachingSHA2 where !response.authResponse.isEmpty:
            sendToClient(Self.performFullAuthentication, &out)
            phase = .awaitingPassword
        case Self.cachingSHA2:
            // An empty proof is an empty password.
            handleToken([], &out)
        default:
            sendToClient(AuthSwitchRequest(plugin: Self.cachingSHA2, data: greeting.scramble).payload, &out)
            phase = .switchingMethod
        }
    }

    /// The password the client sent in clear (over TLS): its OIDC token.
    private mutating func handleToken(_ bytes: [UInt8], _ out: inout [MySQLSessionAction]) {
        let token = String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
        guard !token.isEmpty, let client else {
            return fail(&out, client: .accessDenied("no token: pass your OIDC token as the password"), log: "the client sent no token")
        }
        if client.database?.isEmpty ?? true {
            // No connection named: only the mariadb client's Ctrl-C does
            // this, to send one KILL. Its token is checked against the
            // connection of the session it names (see KillConnection).
            killConnection = KillConnection(token: token)
            phase = .killOnly
            return sendToClient(OKPacket(status: .autocommit).payload, &out)
        }
        phase = .authenticating
        out.append(.authenticate(token: token, connection: client.database ?? "", user: client.user))
    }

    mutating func authenticated(_ identity: AuthenticatedIdentity) -> [MySQLSessionAction] {
        guard phase == .authenticating, let client else { return [] }
        if let target = killConnection?.target {
            guard identity.subject == target.entry.subject else { return refuseKill(target.kill) }
        }
        phase = .openingUpstream
        subject = identity.subject
        let connection = killConnection?.target?.entry.connection ?? client.database ?? ""
        return [.log(.info, "signed in as \(identity.subject)"), .openUpstream(connection: connection)]
    }

    mutating func authenticationFailed(reason: String) -> [MySQLSessionAction] {
        if let target = killConnection?.target { return refuseKill(target.kill) }
        var out: [MySQLSessionAction] = []
        fail(&out, client: .accessDenied(reason), log: nil)
        return out
    }
}

/// The character sets whose text Warden reads as the server does: UTF-8
/// (see ``MySQLPinnedSettings/allowedCharacterSets``).
enum CharacterSets {
    /// Collation ids of utf8mb3 and utf8mb4 (MariaDB 10.11's `SHOW COLLATION`).
    static func isAllowed(collation id: UInt8) -> Bool {
        switch id {
        case 33, 83, 192...215, 223: true  // utf8mb3
        case 45, 46, 224...247: true  // utf8mb4
        default: false
        }
    }

    /// utf8mb4_general_ci: what the gateway's greeting offers.
    static let utf8mb4GeneralCI: UInt8 = 45
}
