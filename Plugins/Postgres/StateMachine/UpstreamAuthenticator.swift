/// Answers the upstream's Authentication requests with the gateway-held
/// credentials, in the manner of postgres-nio's AuthenticationStateMachine.
///
/// Nothing it computes ever goes to the client; failures carry a message for
/// the operator log only.
struct UpstreamAuthenticator {
    enum Outcome: Equatable {
        /// Send these bytes to the upstream (with an optional warning to log).
        case respond([UInt8], warning: String?)
        /// Nothing to send; wait for the next request.
        case wait
        /// The upstream accepted the sign-in.
        case authenticated
        /// Sign-in cannot succeed; the reason is for the operator log.
        case failed(String)
    }

    private enum State {
        case awaitingRequest
        case sentPassword
        case scram(SCRAMSHA256Client)
        case scramVerified
        case done
    }

    private let user: String
    private let password: String?
    private let transportEncrypted: Bool
    private let makeNonce: () -> String
    private var state = State.awaitingRequest

    init(user: String, password: String?, transportEncrypted: Bool, makeNonce: @escaping () -> String) {
        self.user = user
        self.password = password
        self.transportEncrypted = transportEncrypted
        self.makeNonce = makeNonce
    }

    mutating func handle(_ request: AuthenticationRequest) -> Outcome {
        switch (request, state) {
        case (.ok, .awaitingRequest), (.ok, .sentPassword), (.ok, .scramVerified):
            state = .done
            return .authenticated
        case (.ok, .scram):
            // A server that skips SASLFinal never proved it knows the password.
            return fail("the upstream accepted the SCRAM sign-in without sending its signature")

        case (.cleartextPassword, .awaitingRequest):
            guard let password else { return missingPassword() }
            state = .sentPassword
            let warning = transportEncrypted
                ? nil : "sending the upstream password in cleartext over an unencrypted connection"
            return .respond(FrontendMessages.passwordMessage(password), warning: warning)

        case (.md5Password(let salt), .awaitingRequest):
            guard let password else { return missingPassword() }
            state = .sentPassword
            let hash = MD5Password.hash(user: user, password: password, salt: salt)
            return .respond(FrontendMessages.passwordMessage(hash), warning: nil)

        case (.sasl(let mechanisms), .awaitingRequest):
            guard mechanisms.contains(SCRAMSHA256Client.mechanism) else {
                return fail("the upstream offers no supported SASL mechanism (offered: \(mechanisms.joined(separator: ", ")))")
            }
            guard let password else { return missingPassword() }
            let client = SCRAMSHA256Client(password: password, nonce: makeNonce())
            state = .scram(client)
            return .respond(FrontendMessages.saslInitialResponse(
                mechanism: SCRAMSHA256Client.mechanism, initialResponse: client.clientFirstMessage), warning: nil)

        case (.saslContinue(let data), .scram(var client)):
            do {
                let response = try client.receiveServerFirst(data)
                state = .scram(client)
                return .respond(FrontendMessages.saslResponse(response), warning: nil)
            } catch {
                return fail("SCRAM exchange with the upstream failed: \(error)")
            }

        case (.saslFinal(let data), .scram(var client)):
            do {
                try client.verifyServerFinal(data)
                state = .scramVerified
                return .wait
            } catch {
                return fail("SCRAM exchange with the upstream failed: \(error)")
            }

        case (.kerberosV5, _), (.gss, _), (.gssContinue, _), (.sspi, _):
            return fail("the upstream requires Kerberos/GSSAPI/SSPI authentication, which Warden does not support; "
                + "allow password, md5 or scram-sha-256 for the gateway's role")
        case (.unknown(let code), _):
            return fail("the upstream requested an unknown authentication method (code \(code))")
        default:
            return fail("unexpected authentication request from the upstream: \(request.name)")
        }
    }

    private mutating func missingPassword() -> Outcome {
        fail("the upstream asks for a password but no password is configured for user \(user)")
    }

    private mutating func fail(_ reason: String) -> Outcome {
        state = .done
        return .failed(reason)
    }
}

extension AuthenticationRequest {
    /// A name for logs that never includes the payload (it may hold SCRAM data).
    var name: String {
        switch self {
        case .ok: "AuthenticationOk"
        case .kerberosV5: "AuthenticationKerberosV5"
        case .cleartextPassword: "AuthenticationCleartextPassword"
        case .md5Password: "AuthenticationMD5Password"
        case .gss: "AuthenticationGSS"
        case .gssContinue: "AuthenticationGSSContinue"
        case .sspi: "AuthenticationSSPI"
        case .sasl: "AuthenticationSASL"
        case .saslContinue: "AuthenticationSASLContinue"
        case .saslFinal: "AuthenticationSASLFinal"
        case .unknown(let code): "Authentication(\(code))"
        }
    }
}
