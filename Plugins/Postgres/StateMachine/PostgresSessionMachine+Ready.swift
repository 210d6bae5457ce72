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
        if awaitingVerdict || extended.settingsCheck != nil { return .held }
        if statementRunning, !Self.passThroughWhileRunning.contains(type) { return .held }
        if extended.batchOpen, extended.refusing || extended.currentBatchFailed, Self.answeredInOrder.contains(type) {
            // After an error PostgreSQL skips everything up to Sync, a Query
            // too; so does Warden (the Query would otherwise wait for an
            // answer that never comes, and the Sync behind it with it).
            clientFramer.discardNextMessage()
            return .handled
        }
        if !extended.isIdle, Self.answeredInOrder.contains(type) { return .held }
        if Self.statementMessages.contains(type), !extended.refusing, !pinnedSettingsConfirmed(&out) { return .held }
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
            refuseQuery(&out, code: "54000", message: message, hint: hint)
        }
    }

    /// A refused Query. Outside a transaction block the upstream need not
    /// know. Inside one, PostgreSQL aborts the transaction on any error, and
    /// a client that goes on to COMMIT expects none of it to stay: so the
    /// upstream is sent a Query it must reject, and its error is replaced
    /// with the refusal, as for a refused Parse.
    mutating func refuseQuery(_ out: inout ActionBuffer, code: String, message: String, hint: String? = nil) {
        let refusal = BackendMessages.errorResponse(.error, code: code, message: message, hint: hint)
        // While an extended batch is open, the last ReadyForQuery is stale:
        // the batch may have begun a transaction (the red team's BEGIN by
        // Parse/Bind/Execute, then a refused Query, then COMMIT).
        guard transactionStatus == .inTransaction || extended.batchOpen else {
            return out.sendToClient(refusal + BackendMessages.readyForQuery(transactionStatus))
        }
        let marker = extended.nextMarker()
        extended.refusals.append(.init(marker: marker, response: refusal))
        // Answered by a ReadyForQuery, as a Sync is.
        extended.outstandingSyncs += 1
        extended.syncsSent += 1
        out.sendToUpstream(FrontendMessages.query(marker))
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
            return refuseQuery(&out, code: "22021", message: "the statement is not valid UTF-8")
        }
        pendingQuery = frame.bytes
        out.append(.decide(statement: text))
    }

    mutating func handleReadyUpstreamMessage(_ received: PostgresFrame, _ out: inout ActionBuffer) {
        if let check = extended.settingsCheck {
            observeSettingsCheck(received, check, &out)
        } else {
            relayReadyUpstreamMessage(received, &out)
        }
    }

    /// An upstream message on the client's usual path: masked, recorded,
    /// replaced where Warden answered in the upstream's place.
    mutating func relayReadyUpstreamMessage(_ received: PostgresFrame, _ out: inout ActionBuffer) {
        if answersInjectedDescribe(received) {
            // Sets the fields the portal's rows are masked with; not for the client.
            _ = maskedForClient(received, &out)
            return
        }
        // The record keeps what the client saw: the masked frame.
        guard var frame = maskedForClient(received, &out) else { return }
        if statementRunning {
            inFlight?.observe(frame)
        } else if extended.awaitsAnswers {
            if let replacement = observeExtendedResult(frame, &out) {
                frame = PostgresFrame(type: frame.type, bytes: replacement)
            }
        }
        switch frame.type {
        case BackendMessageType.parameterStatus:
            if let change = PinnedSettings.violation(in: frame.body) {
                return endForChangedSetting(name: change.name, value: change.value, &out)
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
            if extended.isIdle { masking?.stopWithholding() }
            if let finished = inFlight.take() {
                out.append(finished.finishedAction)
            }
        case BackendMessageType.errorResponse:
            if ErrorFields(body: frame.body)?.endsSession == true { upstreamSentFatal = true }
            // With every earlier Sync answered, the error is the open batch's.
            if extended.batchOpen, extended.syncsAnswered == extended.syncsSent { extended.currentBatchFailed = true }
            out.sendToClient(frame.bytes)
        default:
            out.sendToClient(frame.bytes)
        }
    }
}
