import WardenPluginSDK

/// The gateway's own sign-in to the upstream server with the gateway-held
/// account; the client's token never goes there.
extension MySQLSessionMachine {
    mutating func upstreamOpened(_ settings: MySQLUpstreamSettings) -> [MySQLSessionAction] {
        guard phase == .openingUpstream else { return [] }
        guard !settings.maskingStrict else {
            // Refused loudly rather than run without the promise the configuration makes.
            var out: [MySQLSessionAction] = []
            fail(&out, client: ErrorPacket(code: 1235, sqlState: "42000", message: """
                this connection sets masking.strict, which Warden's MySQL plugin does not enforce yet; \
                ask its operator to remove it or use another connection
                """), log: "refused the session: masking.strict is set, and the MySQL plugin does not enforce it")
            return out
        }
        self.settings = settings
        if settings.masking { maskedReads = MaskedReads(columnNames: settings.maskColumns) }
        clientFramer = PacketFramer(maxPayload: settings.maxStatementBytes + 1)
        phase = .upstreamSignIn
        return []
    }

    mutating func upstreamFailed(reason: String) -> [MySQLSessionAction] {
        var out: [MySQLSessionAction] = []
        fail(&out, client: ErrorPacket(code: 1105, sqlState: "HY000", message: reason), log: nil)
        return out
    }

    mutating func handleUpstreamSignIn(_ packet: MySQLPacket, _ out: inout [MySQLSessionAction]) {
        do {
            switch upstream.step {
            case .awaitingGreeting: try handleUpstreamGreeting(packet, &out)
            case .authenticating, .awaitingPublicKey: try handleUpstreamAuthentication(packet, &out)
            case .tls: throw UpstreamSignInError("the server spoke during the TLS handshake")
            }
        } catch let error as ErrorPacket {
            fail(&out, client: ErrorPacket(code: 1045, sqlState: "28000", message: """
                Warden could not sign in to the upstream of '\(client?.database ?? "")': the server answered: \(error.message)
                """), log: "upstream sign-in refused: \(error.code) \(error.message)")
        } catch {
            fail(&out, client: ErrorPacket(code: 1045, sqlState: "28000", message: """
                Warden could not sign in to the upstream of '\(client?.database ?? "")': \(error)
                """), log: "upstream sign-in failed: \(error)")
        }
    }

    private mutating func handleUpstreamGreeting(_ packet: MySQLPacket, _ out: inout [MySQLSessionAction]) throws {
        if packet.first == PacketHeader.error { throw try ErrorPacket(parsing: packet.payload) }
        let greeting = try ServerGreeting(parsing: packet.payload)
        guard let settings, let client else { return }
        let missing = Capabilities.requiredOfUpstream.union(client.capabilities.intersection(Capabilities.offered))
            .subtracting([.ssl, .connectAttributes, .sessionTrack, .longPassword]).subtracting(greeting.capabilities)
        guard missing.isEmpty else {
            throw UpstreamSignInError("the server lacks capabilities Warden or the client needs (0x\(String(missing.rawValue, radix: 16)))")
        }
        upstream.greeting = greeting
        upstream.method = greeting.authPlugin
        upstream.scramble = greeting.scramble
        upstream.sequence = packet.sequence &+ 1
        var capabilities = client.capabilities.intersection(Capabilities.offered).intersection(greeting.capabilities)
            .union(Capabilities.requiredOfUpstream).union([.connectWithDatabase, .pluginAuthLengthEncodedData])
            .subtracting(.ssl)
        capabilities.formIntersection(greeting.capabilities.union(.connectWithDatabase))
        let useTLS = settings.tls != .disable && greeting.capabilities.contains(.ssl)
        if settings.tls != .disable && settings.tls != .prefer && !useTLS {
            throw UpstreamSignInError("the server does not offer TLS, which this connection requires (tls: \(settings.tls.rawValue))")
        }
        if useTLS { capabilities.insert(.ssl) }
        upstream.capabilities = capabilities
        if useTLS {
            out.append(.sendToUpstream(PacketFramer.frame(handshakeResponse().sslRequestPayload, sequence: upstream.sequence)))
            upstream.sequence &+= 1
            upstream.step = .tls
            out.append(.startUpstreamTLS)
        } else {
            sendHandshakeResponse(&out)
        }
    }

    mutating func upstreamTLSEstablished() -> [MySQLSessionAction] {
        guard phase == .upstreamSignIn, upstream.step == .tls else { return [] }
        upstream.tlsActive = true
        var out: [MySQLSessionAction] = []
        sendHandshakeResponse(&out)
        return out
    }

    mutating func upstreamTLSFailed(reason: String) -> [MySQLSessionAction] {
        var out: [MySQLSessionAction] = []
        fail(&out, client: ErrorPacket(code: 1105, sqlState: "HY000", message: """
            Warden could not secure its connection to the upstream of '\(client?.database ?? "")': \(reason)
            """), log: "upstream TLS failed: \(reason)")
        return out
    }

    private func handshakeResponse() -> HandshakeResponse {
        HandshakeResponse(
            capabilities: upstream.capabilities, characterSet: client?.characterSet ?? CharacterSets.utf8mb4GeneralCI,
            user: settings?.user ?? "", authResponse: proof(), database: settings?.database,
            authPlugin: upstream.method,
            attributes: upstream.capabilities.contains(.connectAttributes) ? client?.attributes : nil)
    }

    private mutating func sendHandshakeResponse(_ out: inout [MySQLSessionAction]) {
        sendToUpstreamSignIn(handshakeResponse().payload, &out)
        upstream.step = .authenticating
    }

    private mutating func sendToUpstreamSignIn(_ payload: [UInt8], _ out: inout [MySQLSessionAction]) {
        out.append(.sendToUpstream(PacketFramer.frame(payload, sequence: upstream.sequence)))
        upstream.sequence &+= 1
    }

    /// The proof of the gateway-held password for the method in force.
    private func proof() -> [UInt8] {
        let password = settings?.password ?? ""
        switch upstream.method {
        case "mysql_native_password": return PasswordProof.nativePassword(password, scramble: upstream.scramble)
        case Self.cachingSHA2: return PasswordProof.cachingSHA2(password, scramble: upstream.scramble)
        case "client_ed25519": return Ed25519Password.sign(upstream.scramble, password: password)
        default: return []
        }
    }

    private mutating func handleUpstreamAuthentication(_ packet: MySQLPacket, _ out: inout [MySQLSessionAction]) throws {
        upstream.sequence = packet.sequence &+ 1
        switch packet.first {
        case PacketHeader.ok:
            upstreamSignedIn(&out)
        case PacketHeader.error:
            throw try ErrorPacket(parsing: packet.payload)
        case PacketHeader.authSwitch:
            let request = try AuthSwitchRequest(parsing: packet.payload)
            upstream.method = request.plugin
            upstream.scramble = request.data
            switch request.plugin {
            case "mysql_native_password", Self.cachingSHA2, "client_ed25519":
                sendToUpstreamSignIn(proof(), &out)
            case Self.clearPassword where upstream.tlsActive:
                sendToUpstreamSignIn(Array((settings?.password ?? "").utf8) + [0], &out)
            case Self.clearPassword:
                throw UpstreamSignInError("the server asks for the password in clear without TLS; Warden does not send it (set tls: require)")
            default:
                throw UpstreamSignInError("the server asks for the sign-in method '\(request.plugin)', which Warden does not speak")
            }
        case PacketHeader.authMoreData:
            try handleMoreData(Array(packet.payload.dropFirst()), &out)
        default:
            throw UpstreamSignInError("unexpected packet 0x\(String(packet.first ?? 0, radix: 16)) during sign-in")
        }
    }

    /// caching_sha2_password's extra steps.
    private mutating func handleMoreData(_ data: [UInt8], _ out: inout [MySQLSessionAction]) throws {
        guard upstream.method == Self.cachingSHA2 else {
            throw UpstreamSignInError("unexpected extra sign-in data for '\(upstream.method)'")
        }
        if upstream.step == .awaitingPublicKey {
            let pem = String(decoding: data, as: UTF8.self)
            let encrypted = try PasswordProof.rsaEncryptedPassword(settings?.password ?? "", scramble: upstream.scramble, publicKeyPEM: pem)
            upstream.step = .authenticating
            return sendToUpstreamSignIn(encrypted, &out)
        }
        switch data.first {
        case 0x03:
            break  // fast authentication succeeded; the OK follows
        case 0x04 where upstream.tlsActive:
            sendToUpstreamSignIn(Array((settings?.password ?? "").utf8) + [0], &out)
        case 0x04 where settings?.tls != .disable:
            // The key would come over the same unprotected connection: whoever
            // sits between (and stripped TLS, under `prefer`) would send theirs.
            throw UpstreamSignInError("""
                the server asks for the password, which without TLS Warden would encrypt with a key that anyone on the \
                network could have sent; set the connection's upstream tls: require (or tls: disable to accept that risk)
                """)
        case 0x04:
            // tls: disable, chosen by the operator: the password goes encrypted with the server's RSA key.
            upstream.step = .awaitingPublicKey
            sendToUpstreamSignIn([0x02], &out)
        default:
            throw UpstreamSignInError("unexpected caching_sha2_password step \(data.first.map { String($0) } ?? "none")")
        }
    }

    /// Signed in: learn how the session reads text before the client may send any.
    private mutating func upstreamSignedIn(_ out: inout [MySQLSessionAction]) {
        if let target = killConnection?.target { return sendKill(target, &out) }
        phase = .readingSQLMode
        sqlModeReader = SQLModeReader()
        var payload: [UInt8] = [Command.query]
        payload += Array("SELECT @@SESSION.sql_mode".utf8)
        out.append(.sendToUpstream(PacketFramer.frame(payload, sequence: 0)))
    }

    /// The answer to the gateway's own sql_mode query; then the client gets its OK.
    mutating func handleSQLModeAnswer(_ packet: MySQLPacket, _ out: inout [MySQLSessionAction]) {
        let deprecateEOF = upstream.capabilities.contains(.deprecateEOF)
        switch sqlModeReader.read(packet, deprecateEOF: deprecateEOF) {
        case .more: return
        case .failed(let reason):
            return fail(&out, client: .sessionEnded("Warden could not read the upstream's sql_mode: \(reason)"),
                        log: "could not read the upstream's sql_mode: \(reason)")
        case .done(let mode, let status):
            syntax = MySQLSyntax(sqlMode: mode)
            if status.contains(.noBackslashEscapes) { syntax.noBackslashEscapes = true }
            phase = .ready
            sendToClient(OKPacket(status: status.subtracting(.moreResultsExist)).payload, &out)
            if let thread = upstream.greeting?.connectionID { out.append(.register(upstreamThread: thread)) }
            out.append(.log(.info, "signed in upstream as \(settings?.user ?? "")"))
        }
    }
}

struct UpstreamSignInError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
