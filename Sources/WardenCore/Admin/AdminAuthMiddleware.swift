import Foundation
import Hummingbird

/// Admits a request only with `Authorization: Bearer <token>` that the
/// gateway's ``TokenValidator`` accepts: the same issuers, keys and audience
/// as client sign-in. Anything else is 401 with a `WWW-Authenticate` challenge.
struct AdminAuthMiddleware: RouterMiddleware {
    typealias Context = AdminRequestContext

    let validator: TokenValidator

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let token = Self.bearerToken(request.headers[.authorization]) else {
            throw AdminError.unauthorized("send a token from your identity provider as 'Authorization: Bearer <token>'", invalidToken: false)
        }
        let identity: Identity
        do {
            identity = try await validator.validate(token)
        } catch let rejection as TokenRejection {
            throw AdminError.unauthorized(rejection.message, invalidToken: true)
        } catch {
            context.logger.error("token validation failed unexpectedly", metadata: ["error": "\(error)"])
            throw AdminError.unauthorized("the token could not be validated", invalidToken: true)
        }
        var context = context
        context.identity = identity
        context.logger[metadataKey: "subject"] = "\(identity.subject)"
        return try await next(request, context)
    }

    /// The token of an `Authorization: Bearer …` header; the scheme is
    /// case-insensitive (RFC 7235). Nil when absent, empty or another scheme.
    static func bearerToken(_ header: String?) -> String? {
        guard let header else { return nil }
        let parts = header.trimmingCharacters(in: .whitespaces).split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        let token = parts[1].trimmingCharacters(in: .whitespaces)
        return token.isEmpty ? nil : token
    }
}
