/// Decides whether a client's token admits it to a connection: the token must
/// be valid, and its groups must meet the connection's `allow_groups`.
struct Authorizer: Sendable {
    enum Outcome: Sendable {
        case allowed(Identity, ConnectionConfig)
        /// The reason is shown to the client; it never echoes the token.
        case refused(reason: String, subject: String?)
    }

    let gateway: Gateway

    func authorize(token: String, connection name: String, protocolName: String) async -> Outcome {
        guard !token.isEmpty else {
            return .refused(reason: "no token was presented: send an OIDC token as the password", subject: nil)
        }
        let identity: Identity
        do {
            identity = try await gateway.validator.validate(token)
        } catch let rejection as TokenRejection {
            return .refused(reason: rejection.description, subject: nil)
        } catch {
            gateway.logger.error("token validation failed unexpectedly: \(error)")
            return .refused(reason: "the token could not be validated", subject: nil)
        }
        guard let connection = gateway.config.connection(named: name), connection.protocolName == protocolName else {
            return .refused(reason: "there is no connection named '\(name)' on this listener", subject: identity.subject)
        }
        guard connection.allowGroups.contains(where: identity.groups.contains) else {
            let reason = "'\(identity.subject)' is not in a group allowed to use '\(name)' (allowed: \(connection.allowGroups.joined(separator: ", ")))"
            return .refused(reason: reason, subject: identity.subject)
        }
        return .allowed(identity, connection)
    }
}
