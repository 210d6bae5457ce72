import AsyncHTTPClient
import Foundation
import Logging
import NIOCore

/// Turns approval events into audit events, log lines and webhook posts.
struct ApprovalEventSink: Sendable {
    let recorder: Recorder
    let logger: Logger
    let httpClient: HTTPClient
    /// Each connection's webhook, if it has one.
    let webhooks: [String: URL]

    func handle(_ event: ApprovalEvent) {
        let message = ApprovalWebhookMessage(event)
        switch event {
        case .requested(let request):
            logger.notice("approval requested", metadata: [
                "approval": "\(request.id)", "session": "\(request.sessionID)", "subject": "\(request.requester)",
                "connection": "\(request.connection)", "reason": "\(request.reason)",
            ])
            recorder.audit(AuditKind.approvalRequested, actor: request.requester, sessionID: request.sessionID,
                           detail: message.auditDetail)
        case .decided(let request, let outcome):
            logger.notice("approval \(outcome.name)", metadata: [
                "approval": "\(request.id)", "session": "\(request.sessionID)", "by": "\(message.decidedBy ?? "-")",
            ])
            recorder.audit(AuditKind.approvalDecided, actor: message.decidedBy ?? AuditKind.gatewayActor,
                           sessionID: request.sessionID, detail: message.auditDetail)
        }
        if let url = webhooks[message.approval.connection] {
            post(message, to: url)
        }
    }

    /// Fire and forget: a chat outage must not hold statements.
    private func post(_ message: ApprovalWebhookMessage, to url: URL) {
        let client = httpClient, logger = self.logger
        Task {
            do {
                var request = HTTPClientRequest(url: url.absoluteString)
                request.method = .POST
                request.headers.add(name: "Content-Type", value: "application/json")
                request.body = .bytes(ByteBuffer(bytes: try message.json()))
                let response = try await client.execute(request, timeout: .seconds(10))
                if !(200..<300).contains(response.status.code) {
                    logger.warning("the approval webhook answered \(response.status.code)", metadata: ["url": "\(url)"])
                }
            } catch {
                logger.warning("could not post to the approval webhook", metadata: ["url": "\(url)", "error": "\(error)"])
            }
        }
    }
}

/// The JSON a webhook receives; also the audit detail of approval events.
struct ApprovalWebhookMessage: Encodable {
    var event: String
    var approval: ApprovalRequest
    var outcome: String?
    var decidedBy: String?
    var reason: String?
    var grantForSeconds: Int64?

    init(_ event: ApprovalEvent) {
        switch event {
        case .requested(let request):
            self.event = AuditKind.approvalRequested
            approval = request
        case .decided(let request, let outcome):
            self.event = AuditKind.approvalDecided
            approval = request
            self.outcome = outcome.name
            switch outcome {
            case .approved(let by, let grantFor):
                decidedBy = by
                grantForSeconds = grantFor?.components.seconds
            case .denied(let by, let reason):
                decidedBy = by
                self.reason = reason
            case .expired, .withdrawn:
                break
            }
        }
    }

    func json() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        return Array(try encoder.encode(self))
    }

    var auditDetail: [String: String] {
        var detail = [
            "approval": approval.id, "connection": approval.connection, "text": approval.text,
            "class": approval.className, "risk": approval.risk, "reason": approval.reason,
            "approvers": approval.approvers.joined(separator: ","),
        ]
        if let outcome { detail["outcome"] = outcome }
        if let decidedBy { detail["decided_by"] = decidedBy }
        if let reason { detail["decision_reason"] = reason }
        if let grantForSeconds { detail["grant_for_seconds"] = "\(grantForSeconds)" }
        return detail
    }
}
