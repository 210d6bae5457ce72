/// The extended query protocol: Parse, Bind, Describe, Execute, Close, Flush
/// and Sync, pipelined. The policy decides at Parse, on the statement's text;
/// a named statement's later executions are decided again (and recorded) as
/// executions of an allowed statement. A refusal is answered in the
/// upstream's place (see ``ExtendedProtocolState/InjectedRefusal``), and the
/// rest of the batch is discarded up to Sync, as PostgreSQL does after an error.
extension PostgresSessionMachine {
    mutating func handleExtendedClientMessage(_ frame: PostgresFrame, _ out: inout ActionBuffer) {
        guard let type = frame.type else { return }
        extended.batchOpen = type != FrontendMessageType.sync
        if extended.refusing && type != FrontendMessageType.sync { return }
        switch type {
        case FrontendMessageType.parse:
            guard let (name, text) = ExtendedMessages.parse(frame.body) else {
                return refuseMalformed("Parse", &out)
            }
            extended.pending = .parse(frame: frame, name: name, text: text)
            out.append(.decide(statement: text))
        case FrontendMessageType.bind:
            guard let bind = ExtendedMessages.bind(frame.body) else {
                return refuseMalformed("Bind", &out)
            }
            if masking != nil && bind.binaryResults {
                return refuse(&out, code: "0A000",
                              message: "Warden masks results on this connection and cannot mask binary-format results",
                              hint: "Ask for results in text format (for JDBC: binaryTransfer=false).")
            }
            let portal = ExactText(bind.portal)
            extended.unconfirmedBinds.append(.init(portal: portal, previous: extended.portals[portal], batch: extended.syncsSent))
            extended.portals[portal] = bind.statement
            // Planning may run functions (constant folding), so a Bind may
            // change settings as an Execute may.
            extended.codeBatch = extended.syncsSent
            out.sendToUpstream(frame.bytes)
        case FrontendMessageType.execute:
            guard let portal = ExtendedMessages.executePortal(frame.body) else {
                return refuseMalformed("Execute", &out)
            }
            guard let boundStatement = extended.portals[ExactText(portal)] else {
                // Not bound here: a cursor DECLAREd in SQL, fetched through the
                // protocol. It is decided, recorded and masked as the FETCH it is.
                let text = "FETCH FORWARD ALL FROM \"\(portal.replacingOccurrences(of: "\"", with: "\"\""))\""
                extended.pending = .execute(frame: frame, portal: portal, text: text)
                out.append(.decide(statement: text))
                return
            }
            let name = ExactText(boundStatement)
            if let actionID = extended.statements[name]?.unusedActionID {
                extended.statements[name]?.unusedActionID = nil
                forwardExecute(frame, portal: portal, text: extended.statements[name]?.text ?? "", actionID: actionID, &out)
            } else if let statement = extended.statements[name] {
                extended.pending = .execute(frame: frame, portal: portal, text: statement.text)
                out.append(.decide(statement: statement.text, prepared: true))
            } else {
                // Prepared with SQL PREPARE, which the policy saw as such:
                // its text is unknown here, so it is decided as what it is.
                let text = "EXECUTE \(boundStatement)"
                extended.pending = .execute(frame: frame, portal: portal, text: text)
                out.append(.decide(statement: text))
            }
        case FrontendMessageType.close:
            if let close = ExtendedMessages.close(frame.body) {
                if close.statement {
                    extended.statements[ExactText(close.name)] = nil
                } else {
                    extended.portals[ExactText(close.name)] = nil
                }
            }
            out.sendToUpstream(frame.bytes)
        case FrontendMessageType.sync:
            extended.refusing = false
            extended.currentBatchFailed = false
            extended.outstandingSyncs += 1
            extended.syncsSent += 1
            out.sendToUpstream(frame.bytes)
        case FrontendMessageType.describe:
            if masking != nil { extended.describes.append(.init(syncsBefore: extended.syncsSent, injected: false)) }
            out.sendToUpstream(frame.bytes)
        default:  // Flush
            out.sendToUpstream(frame.bytes)
        }
    }

    /// A message whose body PostgreSQL would reject too (a count that runs
    /// past the end, text that is not UTF-8): as PostgreSQL does, an ERROR
    /// in its place and the rest of the batch skipped up to Sync; the
    /// session goes on. Nothing of it reaches the upstream.
    private mutating func refuseMalformed(_ kind: String, _ out: inout ActionBuffer) {
        out.log(.warning, "refused an invalid \(kind) message from the client")
        refuse(&out, code: "08P01", message: "invalid \(kind) message",
               hint: kind == "Parse" ? "Statement texts and names must be valid UTF-8." : nil)
    }

    /// The verdict on a held Parse or Execute.
    mutating func extendedDecided(_ verdict: Verdict, _ out: inout ActionBuffer) {
        guard let pending = extended.pending else { return }
        extended.pending = nil
        switch (pending, verdict) {
        case (.parse(let frame, let name, let text), .allow(let actionID)):
            let changes = NamespaceChanges.of(text)
            extended.apply(changes)
            let key = ExactText(name)
            extended.unconfirmedParses.append(.init(name: key, previous: extended.statements[key], batch: extended.syncsSent))
            extended.statements[key] = .init(text: text, unusedActionID: actionID, namespaceChanges: changes)
            out.sendToUpstream(frame.bytes)
        case (.execute(let frame, let portal, let text), .allow(let actionID)):
            forwardExecute(frame, portal: portal, text: text, actionID: actionID, &out)
        case (_, .deny), (_, .unavailable):
            let refusal = verdict.refusal!
            refuse(&out, code: refusal.code, message: refusal.message)
        }
    }

    private mutating func forwardExecute(
        _ frame: PostgresFrame, portal: String, text: String, actionID: UInt64, _ out: inout ActionBuffer
    ) {
        extended.executions.append(StatementTracker(actionID: actionID, resultCaptureLimit: resultCaptureLimit))
        extended.codeBatch = extended.syncsSent
        // Executing `DEALLOCATE s1` again deallocates again, whatever s1 means by now.
        if let statement = extended.portals[ExactText(portal)].flatMap({ extended.statements[ExactText($0)] }) {
            extended.apply(statement.namespaceChanges)
        }
        if masking != nil {
            let analysis = maskingAnalysis(of: text)
            masking?.copyStatements = analysis.copyStatements
            // The portal's own fields arrive right before its rows, whatever
            // the client described (or did not) before.
            extended.describes.append(.init(syncsBefore: extended.syncsSent, injected: true, plan: analysis.plan))
            masking?.withhold(analysis.withholding)
            out.sendToUpstream(FrontendMessages.describePortal(portal))
        }
        out.sendToUpstream(frame.bytes)
    }

    /// A RowDescription or NoData answering a Describe, with masking on:
    /// true when Warden sent that Describe, so the client must not see it.
    mutating func answersInjectedDescribe(_ frame: PostgresFrame) -> Bool {
        guard masking != nil, frame.type == BackendMessageType.rowDescription || frame.type == BackendMessageType.noData,
              !extended.describes.isEmpty
        else { return false }
        let describe = extended.describes.removeFirst()
        if let plan = describe.plan { masking?.plan = plan }
        return describe.injected
    }

    mutating func refuse(_ out: inout ActionBuffer, code: String, message: String, hint: String? = nil) {
        let marker = extended.nextMarker()
        extended.refusals.append(.init(
            marker: marker, response: BackendMessages.errorResponse(.error, code: code, message: message, hint: hint)))
        extended.refusing = true
        out.sendToUpstream(FrontendMessages.parse(marker))
    }

    /// An upstream message while extended-protocol work is in flight.
    /// Returns what the client gets instead, for an injected refusal.
    mutating func observeExtendedResult(_ frame: PostgresFrame, _ out: inout ActionBuffer) -> [UInt8]? {
        switch frame.type {
        case BackendMessageType.errorResponse:
            if let refusal = extended.refusals.first,
               ErrorFields(body: frame.body)?.message.contains(refusal.marker) == true {
                extended.refusals.removeFirst()
                return refusal.response
            }
            finishExecution(frame, &out)
        case BackendMessageType.commandComplete, BackendMessageType.emptyQueryResponse, BackendMessageType.portalSuspended:
            finishExecution(frame, &out)
        case BackendMessageType.parseComplete:
            if !extended.unconfirmedParses.isEmpty { extended.unconfirmedParses.removeFirst() }
        case BackendMessageType.bindComplete:
            if !extended.unconfirmedBinds.isEmpty { extended.unconfirmedBinds.removeFirst() }
        case BackendMessageType.readyForQuery:
            // Parses and Binds of the batch this ReadyForQuery ends that the
            // upstream refused (or skipped after an error): their names keep
            // what they meant before. Later batches' are still on their way.
            let ended = extended.syncsAnswered
            for parse in extended.unconfirmedParses.reversed() where parse.batch <= ended {
                extended.statements[parse.name] = parse.previous
            }
            extended.unconfirmedParses.removeAll { $0.batch <= ended }
            for bind in extended.unconfirmedBinds.reversed() where bind.batch <= ended {
                extended.portals[bind.portal] = bind.previous
            }
            extended.unconfirmedBinds.removeAll { $0.batch <= ended }
            extended.outstandingSyncs = max(0, extended.outstandingSyncs - 1)
            // Describes of the batch this Sync ends that an error left unanswered.
            extended.syncsAnswered += 1
            // Any change the batch made to a pinned setting was reported
            // (and ended the session) before this ReadyForQuery.
            if let batch = extended.codeBatch, extended.syncsAnswered > batch { extended.codeBatch = nil }
            extended.describes.removeAll { $0.syncsBefore < extended.syncsAnswered }
            // Executes after an error never ran.
            for var skipped in extended.executions {
                skipped.observe(Self.notRun)
                out.append(skipped.finishedAction)
            }
            extended.executions.removeAll()
            if extended.outstandingSyncs == 0 { extended.refusals.removeAll() }
        default:
            if !extended.executions.isEmpty { extended.executions[0].observe(frame) }
        }
        return nil
    }

    private mutating func finishExecution(_ frame: PostgresFrame, _ out: inout ActionBuffer) {
        guard !extended.executions.isEmpty else { return }
        var execution = extended.executions.removeFirst()
        execution.observe(frame)
        out.append(execution.finishedAction)
    }

    private static let notRun = PostgresFrame(
        type: BackendMessageType.errorResponse,
        bytes: BackendMessages.errorResponse(
            .error, code: "25P02", message: "not run: an earlier message of the same batch failed"))
}
