/// Masking in the ready phase, and the catalog query that precedes it.
extension PostgresSessionMachine {
    /// At the upstream's first ReadyForQuery: when rules name columns, learn
    /// where they live before the client's first statement. Returns false
    /// when there is nothing to learn.
    mutating func startSourceResolution(readyForQuery: [UInt8], _ out: inout ActionBuffer) -> Bool {
        guard masking != nil, let columns = credentials?.maskColumns,
              let query = SourceCatalog.query(columnNames: columns)
        else { return false }
        heldReadyForQuery = readyForQuery
        phase = .resolvingSources
        out.sendToUpstream(FrontendMessages.query(query))
        return true
    }

    /// The catalog query's answer; the client waits for its ReadyForQuery.
    mutating func handleSourceCatalogMessage(_ frame: PostgresFrame, _ out: inout ActionBuffer) {
        switch frame.type {
        case BackendMessageType.dataRow:
            if let values = RowMessages.values(frame.body) { masking?.catalog.add(row: values) }
        case BackendMessageType.errorResponse:
            // Masking by content still applies; rules on source columns cannot.
            let fields = ErrorFields(body: frame.body)
            out.log(.warning, "could not read the catalog for masking by source column: \(fields?.message ?? "?")")
        case BackendMessageType.readyForQuery:
            phase = .ready
            if let held = heldReadyForQuery {
                heldReadyForQuery = nil
                transactionStatus = Self.transactionStatus(of: PostgresFrame(type: frame.type, bytes: held)) ?? .idle
                out.sendToClient(held)
            }
            logSessionReady(&out)
        case BackendMessageType.parameterStatus, BackendMessageType.noticeResponse:
            out.sendToClient(frame.bytes)
        default:
            break  // RowDescription, CommandComplete
        }
    }

    /// The frame as the client may see it, or nil after ending the session
    /// because a value could not be masked (nothing unmasked is sent).
    mutating func maskedForClient(_ frame: PostgresFrame, _ out: inout ActionBuffer) -> PostgresFrame? {
        guard masking != nil, let fieldMasker else { return frame }
        // Mutated in place: a copy would duplicate the row state for every message.
        switch masking!.relay(frame, masker: fieldMasker) {
        case .unchanged:
            return frame
        case .send(let bytes):
            return PostgresFrame(type: frame.type, bytes: bytes)
        case .failed:
            closeSession(
                &out,
                clientError: BackendMessages.errorResponse(
                    .fatal, code: "XX000", message: "Warden could not mask a result, so the session ends",
                    hint: "Binary COPY cannot be masked; use the text format."),
                log: (.error, "masking failed on a '\(Self.describe(frame.type))' message; the session was closed"))
            return nil
        }
    }

    /// Notes the table a COPY … TO STDOUT names, before it runs.
    mutating func prepareMasking(for query: [UInt8]) {
        guard masking != nil, query.count > 6 else { return }
        let text = String(decoding: query[5..<(query.count - 1)], as: UTF8.self)
        masking?.copyTarget = CopyStatement.target(of: text)
    }
}
