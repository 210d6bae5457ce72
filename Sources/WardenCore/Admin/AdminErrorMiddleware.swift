import Hummingbird

/// Gives every failure the same shape, `{"error": "..."}`: the API's own
/// errors, Hummingbird's and NIO's (unknown path, a body too large: 413) and
/// anything unexpected, which is logged and answered 500 without its details.
///
/// It also refuses, before anything else runs, a request whose
/// `Content-Length` says its body is over ``AdminRequestContext/maxUploadSize``:
/// no admin request needs more, and reading it would cost memory for nothing.
struct AdminErrorMiddleware: RouterMiddleware {
    typealias Context = AdminRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            if let length = request.headers[.contentLength], !Self.fits(length, context.maxUploadSize) {
                throw Self.tooLarge(context)
            }
            return try await next(request, context)
        } catch let error as AdminError {
            return try error.response(from: request, context: context)
        } catch let error as HTTPError {
            let message = error.body ?? error.status.reasonPhrase.lowercased()
            return try AdminError(status: error.status, message: message, headers: error.headers)
                .response(from: request, context: context)
        } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
            // A body that kept coming past the limit without a Content-Length.
            return try Self.tooLarge(context).response(from: request, context: context)
        } catch {
            context.logger.error("admin API request failed", metadata: [
                "method": "\(request.method)", "path": "\(request.uri.path)", "error": "\(error)",
            ])
            return try AdminError(status: .internalServerError, message: "internal error; the gateway's log has the details")
                .response(from: request, context: context)
        }
    }

    /// Whether a `Content-Length` of `text` is at most `limit` bytes; a value
    /// that is not one plain number (`10, 10`, `-1`, `1e9`) does not fit.
    static func fits(_ text: String, _ limit: Int) -> Bool {
        guard !text.isEmpty, text.utf8.count <= 19,
              text.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
              let length = Int(text)
        else { return false }
        return length <= limit
    }

    static func tooLarge(_ context: Context) -> AdminError {
        AdminError(status: .contentTooLarge, message: "the request body is over \(context.maxUploadSize / 1024) KiB; no admin request needs that much")
    }
}
