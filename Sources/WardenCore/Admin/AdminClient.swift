import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// A client of the admin API, for `warden approvals`: sends the bearer token,
/// decodes the answers, and turns an error answer into the server's message.
public struct AdminClient: Sendable {
    /// `http://127.0.0.1:8081`, without a trailing slash.
    public let baseURL: String
    private let token: String
    private let httpClient: HTTPClient

    public init(baseURL: String, token: String, httpClient: HTTPClient = .shared) {
        self.baseURL = Self.normalized(baseURL)
        self.token = token
        self.httpClient = httpClient
    }

    /// Runs `body` with a client of its own that fails at once when nothing
    /// listens, rather than retrying until the timeout: a person is waiting.
    public static func with<T>(
        baseURL: String, token: String, _ body: (AdminClient) async throws -> T
    ) async throws -> T {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.timeout = .init(connect: .seconds(5), read: .seconds(30))
        let httpClient = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        do {
            let result = try await body(AdminClient(baseURL: baseURL, token: token, httpClient: httpClient))
            try await httpClient.shutdown()
            return result
        } catch {
            try? await httpClient.shutdown()
            throw error
        }
    }

    /// `http://` is added to a bare `host:port`; a trailing slash is dropped.
    public static func normalized(_ url: String) -> String {
        var url = url.trimmingCharacters(in: .whitespaces)
        if !url.contains("://") { url = "http://" + url }
        while url.hasSuffix("/") { url.removeLast() }
        return url
    }

    public func pendingApprovals() async throws(AdminClientError) -> [ApprovalRequest] {
        try await send(.GET, "/v1/approvals", as: AdminApprovalList.self).approvals
    }

    public func approval(_ id: String) async throws(AdminClientError) -> ApprovalRequest {
        try await send(.GET, "/v1/approvals/\(Self.pathComponent(id))", as: ApprovalRequest.self)
    }

    public func approve(_ id: String, grantFor: String? = nil) async throws(AdminClientError) -> AdminDecisionResult {
        try await send(.POST, "/v1/approvals/\(Self.pathComponent(id))/approve", body: AdminDecisionBody(grantFor: grantFor),
                       as: AdminDecisionResult.self)
    }

    public func deny(_ id: String, reason: String? = nil) async throws(AdminClientError) -> AdminDecisionResult {
        try await send(.POST, "/v1/approvals/\(Self.pathComponent(id))/deny", body: AdminDecisionBody(reason: reason),
                       as: AdminDecisionResult.self)
    }

    private func send<Answer: Decodable>(
        _ method: HTTPMethod, _ path: String, body: AdminDecisionBody? = nil, as: Answer.Type
    ) async throws(AdminClientError) -> Answer {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        request.headers.add(name: "Accept", value: "application/json")
        let status: Int
        let bytes: ByteBuffer
        do {
            if let body {
                request.headers.add(name: "Content-Type", value: "application/json")
                request.body = .bytes(ByteBuffer(bytes: try AdminJSON.encoder().encode(body)))
            }
            let response = try await httpClient.execute(request, timeout: .seconds(30))
            status = Int(response.status.code)
            bytes = try await response.body.collect(upTo: 16 * 1024 * 1024)
        } catch {
            throw .unreachable(url: baseURL, reason: "\(error)")
        }
        let data = Data(bytes.readableBytesView)
        guard (200..<300).contains(status) else {
            let message = (try? AdminJSON.decoder().decode(AdminErrorBody.self, from: data))?.error
            throw .refused(status: status, message: message ?? String(decoding: data.prefix(300), as: UTF8.self))
        }
        do {
            return try AdminJSON.decoder().decode(Answer.self, from: data)
        } catch {
            throw .unexpectedAnswer(url: baseURL + path, reason: "\(error)")
        }
    }

    /// An approval id as one path segment, whatever was typed.
    static func pathComponent(_ text: String) -> String {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "/?#%")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}

/// Why an admin API call failed, worded for the terminal.
public enum AdminClientError: Error, Equatable, CustomStringConvertible {
    /// No HTTP answer at all: wrong address, or the gateway is not running.
    case unreachable(url: String, reason: String)
    /// The server said no; `message` is its `error`.
    case refused(status: Int, message: String)
    /// An answer that is not what this client expects (another server?).
    case unexpectedAnswer(url: String, reason: String)

    public var description: String {
        switch self {
        case .unreachable(let url, let reason):
            "could not reach the admin API at \(url) (\(reason)); is the gateway running with an admin: section?"
        case .refused(let status, let message):
            "\(message) (HTTP \(status))"
        case .unexpectedAnswer(let url, let reason):
            "the answer from \(url) is not what the admin API sends: \(reason)"
        }
    }
}
