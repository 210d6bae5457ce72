import Hummingbird

/// Gives every failure the same shape, `{"error": "..."}`: the API's own
/// errors, Hummingbird's (unknown path, a body too large) and anything
/// unexpected, which is logged and answered 500 without its details.
struct AdminErrorMiddleware: RouterMiddleware {
    typealias Context = AdminRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as AdminError {
            return try error.response(from: request, context: context)
        } catch let error as HTTPError {
            let message = error.body ?? error.status.reasonPhrase.lowercased()
            return try AdminError(status: error.status, message: message, headers: error.headers)
                .response(from: request, context: context)
        } catch {
            context.logger.error("admin API request failed", metadata: [
                "method": "\(request.method)", "path": "\(request.uri.path)", "error": "\(error)",
            ])
            return try AdminError(status: .internalServerError, message: "internal error; the gateway's log has the details")
                .response(from: request, context: context)
        }
    }
}
