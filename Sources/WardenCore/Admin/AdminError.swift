import Foundation
import Hummingbird

/// An error answer of the admin API: a status and a message, sent as
/// `{"error": "..."}`. The message is for the person at the other end; it
/// never echoes a token.
struct AdminError: Error, HTTPResponseError, Equatable {
    var status: HTTPResponse.Status
    var message: String
    var headers: HTTPFields = [:]

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = try AdminResponse.json(AdminErrorBody(error: message), status: status)
        response.headers.append(contentsOf: headers)
        return response
    }

    /// No token, or one that did not validate. The challenge tells HTTP
    /// clients which scheme to use (RFC 6750).
    static func unauthorized(_ message: String, invalidToken: Bool) -> AdminError {
        let challenge = invalidToken ? #"Bearer realm="warden", error="invalid_token""# : #"Bearer realm="warden""#
        return AdminError(status: .unauthorized, message: message, headers: [.wwwAuthenticate: challenge])
    }

    static func forbidden(_ message: String) -> AdminError {
        AdminError(status: .forbidden, message: message)
    }

    static func notFound(_ message: String) -> AdminError {
        AdminError(status: .notFound, message: message)
    }

    static func badRequest(_ message: String) -> AdminError {
        AdminError(status: .badRequest, message: message)
    }
}

extension AdminError {
    /// The broker's refusals: a missing request is 404, a grant past the
    /// connection's limit 400, the rest are 403.
    init(_ error: ApprovalError) {
        switch error {
        case .notFound:
            self.init(status: .notFound, message: error.description)
        case .notAnApprover, .selfApproval:
            self.init(status: .forbidden, message: error.description)
        case .grantTooLong:
            self.init(status: .badRequest, message: error.description)
        }
    }
}
