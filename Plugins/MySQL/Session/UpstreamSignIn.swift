/// Where the gateway's own sign-in to the upstream server stands.
struct UpstreamSignIn {
    enum Step: Equatable {
        case awaitingGreeting
        case tls
        /// The handshake response is out; OK, ERR, a method switch or more data follow.
        case authenticating
        /// caching_sha2_password without TLS: the server's RSA key was asked for.
        case awaitingPublicKey
    }

    var step = Step.awaitingGreeting
    var greeting: ServerGreeting?
    /// The method and scramble in force (a switch replaces both).
    var method = ""
    var scramble: [UInt8] = []
    var tlsActive = false
    /// The next sequence id to the upstream during sign-in.
    var sequence: UInt8 = 1
    var capabilities: Capabilities = []
}
