/// The ready phase: client statements wait for a verdict; upstream results relay.
extension PostgresSessionMachine {
    /// Client messages that keep flowing while an allowed statement runs:
    /// COPY FROM STDIN data, and Terminate.
    private static let passThroughWhileRunning: Set<UInt8> = [
        FrontendMessageType.copyData, FrontendMessageType.copyDone, FrontendMessageType.copyFail,
        FrontendMessageType.terminate,
    ]

    private static let extendedProtocol: Set<UInt8> = [
        FrontendMessageType.parse, FrontendMessageType.bind, FrontendMessageType.describe,
        FrontendMessageType.execute, FrontendMessageType.close, FrontendMessageType.flush, FrontendMessageType.sync,
    ]

    /// Messages Warden may answer itself (a refusal): they wait until the
    /// upstream has answered everything before them.
    private static let answeredInOrder: Set<UInt8> = [FrontendMessageType.query, FrontendMessageType.functionCall]

    enum ClientInputProgress {
        case handled
        /// No complete message is buffered.
        case needMoreBytes
        /// A complete message must wait for a verdict or a running statement.
        case held
    }

    /// Handles the next buffered client message if the session can take it now.
    ///
    /// Statements are serialised: the next Query is not even shown to the
    /// policy until the previous one's ReadyForQuery, so Warden's own answers
    /// (a denial) can never overtake upstream results.
    mutating func processReadyClientMessage(_ out: inout ActionBuffer) throws(FramingError) -> ClientInputProgress {
        if let header = try clientFramer.peekHeader(), Self.statementMessages.contains(header.type),
           header.length - 4 > maxStatementBytes {
            refuseOversizedStatement(type: header.type, length: header.length - 4, &out)
            return phase == .closed ? .needMoreBytes : .handled
        }
        guard let type = try clientFramer.peekType() else { return .needMoreBytes }
        if awaitingVerdict { return .held }
        if statementRunning, !Self.passThroughWhileRunning.contains(type) { return .held }
        if !extended.isIdle, Self.answeredInOrder.contains(type) { return .held }
        guard let frame = try clientFramer.next() else { return .needMoreBytes }
        handleReadyClientMessage(frame, &out)
        return .handled
    }

    /// Messages that carry a statement's text.
    private static let statementMessages: Set<UInt8> = [FrontendMessageType.query, FrontendMessageType.parse]

    /// The longest statement text this connection takes.
    var maxStatementBytes: Int { credentials?.maxStatementBytes ?? PostgresSessionLimits.defaultMaxStatementBytes }

    /// Refuses a Query or Parse longer than ``maxStatementBytes`` as soon as
    /// its header is in: its body is dropped as it arrives, never buffered
    /// or parsed. In turn it gets an ERROR and the session goes on; a client
    /// that pipelines one behind work in flight is ended, since Warden's
    /// answer could not be put in its place.
    private mutating func refuseOversizedStatement(type: UInt8, length: Int, _ out: inout ActionBuffer) {
        let message = "the statement is \(length) bytes, more than this connection's limit of \(maxStatementBytes)"
        let hint = "Send a shorter statement, or raise connections[].max_statement_bytes in Warden's configuration."
        let log = "refused a \(length)-byte statement (limit \(maxStatementBytes))"
        let inTurn = !awaitingVerdict && !statementRunning && (type == FrontendMessageType.parse || extended.isIdle)
        guard inTurn else {
            return closeSession(&out, clientError: BackendMessages.errorResponse(
                .fatal, code: "54000", message: message, hint: hint), log: (.warning, log + "; the session was ended"))
        }
        clientFramer.discardNextMessage()
        out.log(.warning, log)
        if type == FrontendMessageType.parse {
            if !extended.refusing { refuse(&out, code: "54000", message: message, hint: hint) }
        } else {
            out.sendToClient(BackendMessages.errorResponse(.error, code: "54000", message: message, hint: hint)
                + BackendMessages.readyForQuery(transactionStatus))
        }
    }

    private mutating func handleReadyClientMessage(_ frame: PostgresFrame, _ out: inout ActionBuffer) {
        guard let type = frame.type else { return }
        switch type {
        case FrontendMessageType.terminate:
            out.sendToUpstream(frame.bytes)
            closeSession(&out, clientError: nil, log: (.info, "client ended the session"), terminateUpstream: false)
        case _ where Self.extendedProtocol.contains(type):
            handleExtendedClientMessage(frame, &out)
        case FrontendMessageType.query:
            handleQuery(frame, &out)
        case FrontendMessageType.copyData, FrontendMessageType.copyDone, FrontendMessageType.copyFail:
            // Outside COPY the upstream ignores these, as the protocol says.
            out.sendToUpstream(frame.bytes)
        case FrontendMessageType.functionCall:
            // FunctionCall is a simple-protocol message: its error is followed
            // by ReadyForQuery right away, without waiting for Sync.
            out.sendToClient(BackendMessages.errorResponse(
                .error, code: "0A000", message: "function calls are not supported by Warden")
                + BackendMessages.readyForQuery(transactionStatus))
        default:
            protocolViolation(&out, "unexpected message '\(Self.describe(type))' from the client")
        }
    }

    private mutating func handleQuery(_ frame: PostgresFrame, _ out: inout ActionBuffer) {
        var reader = ByteReader(frame.body)
        // The text must end exactly at the message end: PostgreSQL rejects
        // anything after the NUL too, and the policy must see all of it.
        guard let raw = reader.readCStringBytes(), reader.isAtEnd else {
            return protocolViolation(&out, "invalid Query message")
        }
        guard let text = String(validating: raw, as: UTF8.self) else {
            out.sendToClient(BackendMessages.errorResponse(
                .error, code: "22021", message: "the statement is not valid UTF-8")
                + BackendMessages.readyForQuery(transactionStatus))
            return
        }
        pendingQuery = frame.bytes
        out.append(.decide(statement: text))
    }

    mutating func handleReadyUpstreamMessage(_ received: PostgresFrame, _ out: inout ActionBuffer) {
        if answersInjectedDescribe(received) {
            // Sets the fields the portal's rows are masked with; not for the client.
            _ = maskedForClient(received, &out)
            return
        }
        // The record keeps what the client saw: the masked frame.
        guard var frame = maskedForClient(received, &out) else { return }
        if statementRunning {
            inFlight?.observe(frame)
        } else if !extended.isIdle || !extended.refusals.isEmpty || !extended.unconfirmedParses.isEmpty {
            if let replacement = observeExtendedResult(frame, &out) {
                frame = PostgresFrame(type: frame.type, bytes: replacement)
            }
        }
        switch frame.type {
        case BackendMessageType.parameterStatus:
            if let change = PinnedSettings.violation(in: frame.body) {
                // Refused statements cannot do this; a function or a rule
                // could. Later statements would be read differently by the
                // server than by Warden's parser, so none may follow.
                return closeSession(&out, clientError: BackendMessages.errorResponse(
                    .fatal, code: "55000", message: "the server changed \(change.name) to \(change.value), which Warden must keep at \(PinnedSettings.value(of: change.name))"),
                    log: (.error, "the upstream changed \(change.name) to \(change.value); the session was closed"))
            }
            out.sendToClient(frame.bytes)
        case BackendMessageType.backendKeyData:
            // The client must only ever know Warden's key.
            out.log(.warning, "dropped a BackendKeyData the upstream sent after startup")
        case BackendMessageType.readyForQuery:
            guard let status = Self.transactionStatus(of: frame) else {
                return protocolViolation(&out, "invalid ReadyForQuery from the upstream", fromUpstream: true)
            }
            transactionStatus = status
            out.sendToClient(frame.bytes)
            // Nothing in flight any more: later errors quote nothing of it.
            if extended.isIdle { masking?.withholdErrorTexts = false }
            if let finished = inFlight.take() {
                out.append(finished.finishedAction)
            }
        case BackendMessageType.errorResponse:
            if ErrorFields(body: frame.body)?.endsSession == true { upstreamSentFatal = true }
            out.sendToClient(frame.bytes)
        default:
            out.sendToClient(frame.bytes)
        }
    }
}
