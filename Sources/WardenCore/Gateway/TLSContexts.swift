import NIOSSL

/// Builds TLS contexts from the configuration, naming the key and file when
/// something is wrong.
enum TLSContexts {
    static func listeners(_ config: WardenConfig) throws -> [String: NIOSSLContext] {
        var contexts: [String: NIOSSLContext] = [:]
        for (index, listener) in config.listeners.enumerated() {
            guard let tls = listener.tls else { continue }
            let key = "listeners[\(index)].tls"
            let chain: [NIOSSLCertificate]
            let privateKey: NIOSSLPrivateKey
            do {
                chain = try NIOSSLCertificate.fromPEMFile(tls.certificate)
            } catch {
                throw ConfigError(file: config.source, line: nil, key: "\(key).certificate",
                                  message: "cannot read a PEM certificate from \(tls.certificate): \(error)")
            }
            do {
                privateKey = try NIOSSLPrivateKey(file: tls.key, format: .pem)
            } catch {
                throw ConfigError(file: config.source, line: nil, key: "\(key).key",
                                  message: "cannot read a PEM private key from \(tls.key): \(error)")
            }
            var configuration = TLSConfiguration.makeServerConfiguration(
                certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(privateKey))
            // HTTP clients that offer h2 must hear that this listener speaks HTTP/1.1.
            if let kind = ActionKind(protocol: listener.protocolName), kind != .sql {
                configuration.applicationProtocols = ["http/1.1"]
            }
            contexts[listener.name] = try NIOSSLContext(configuration: configuration)
        }
        return contexts
    }

    static func upstreams(_ config: WardenConfig) throws -> [String: NIOSSLContext] {
        var contexts: [String: NIOSSLContext] = [:]
        for (index, connection) in config.connections.enumerated() where connection.upstream.tls != .disable {
            var configuration = TLSConfiguration.makeClientConfiguration()
            if connection.upstream.tls == .verifyFull {
                if let caFile = connection.upstream.caFile {
                    configuration.trustRoots = .file(caFile)
                }
            } else {
                // prefer and require encrypt but, as libpq does, do not verify the peer.
                configuration.certificateVerification = .none
            }
            if let client = connection.upstream.credentials.clientCertificate {
                let key = "connections[\(index)].upstream.credentials.client_certificate"
                do {
                    configuration.certificateChain = try NIOSSLCertificate.fromPEMFile(client.certificate).map { .certificate($0) }
                    configuration.privateKey = .privateKey(try NIOSSLPrivateKey(file: client.key, format: .pem))
                } catch {
                    throw ConfigError(file: config.source, line: nil, key: key,
                                      message: "cannot read \(client.certificate) and \(client.key) as a PEM certificate and key: \(error)")
                }
            }
            do {
                contexts[connection.name] = try NIOSSLContext(configuration: configuration)
            } catch {
                throw ConfigError(file: config.source, line: nil, key: "connections[\(index)].upstream.ca_file",
                                  message: "cannot build the upstream TLS settings: \(error)")
            }
        }
        return contexts
    }
}
