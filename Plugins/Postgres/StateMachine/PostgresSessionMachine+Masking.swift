import WardenPluginSDK

/// What the catalog queries at a session's start learn.
enum CatalogQuery: Equatable, Sendable {
    case foreignKeys
    case maskedSources
    case maskedFunctions
}

/// Masking in the ready phase, and the catalog queries that precede the
/// client's first statement.
extension PostgresSessionMachine {
    /// At the upstream's first ReadyForQuery: when the connection needs to
    /// know foreign keys or where masked columns live, ask the catalog in one
    /// message before the client's first statement. Returns false when there
    /// is nothing to learn.
    mutating func startCatalogQueries(readyForQuery: [UInt8], _ out: inout ActionBuffer) -> Bool {
        var queries: [(CatalogQuery, String)] = []
        if credentials?.resolveForeignKeys == true { queries.append((.foreignKeys, ForeignKeyGraph.query)) }
        if masking != nil, let columns = credentials?.maskColumns, let query = SourceCatalog.query(columnNames: columns) {
            queries.append((.maskedSources, query))
            queries.append((.maskedFunctions, SourceCatalog.functionsQuery))
        }
        guard !queries.isEmpty else { return false }
        heldReadyForQuery = readyForQuery
        pendingCatalogQueries = queries.map(\.0)
        phase = .resolvingSources
        out.sendToUpstream(FrontendMessages.query(queries.map(\.1).joined(separator: ";\n")))
        return true
    }

    /// The catalog queries' answers; the client waits for their ReadyForQuery.
    mutating func handleCatalogMessage(_ frame: PostgresFrame, _ out: inout ActionBuffer) {
        switch frame.type {
        case BackendMessageType.dataRow:
            guard let values = RowMessages.values(frame.body) else { break }
            switch pendingCatalogQueries.first {
            case .foreignKeys: foreignKeys.add(row: values)
            case .maskedSources: masking?.catalog.add(row: values)
            case .maskedFunctions: masking?.catalog.addFunction(row: values)
            case nil: break
            }
        case BackendMessageType.commandComplete:
            if !pendingCatalogQueries.isEmpty { pendingCatalogQueries.removeFirst() }
        case BackendMessageType.errorResponse:
            // Without it, rules on source columns and targets reached through
            // foreign keys would silently not apply (a startup
            // statement_timeout of 1 ms cancels the query): fail closed.
            let fields = ErrorFields(body: frame.body)
            closeSession(&out, clientError: BackendMessages.errorResponse(
                .fatal, code: "XX000", message: "Warden could not read the catalog it needs to enforce this connection's rules",
                hint: "A startup statement_timeout or lock_timeout that short cancels it; connect without one."),
                log: (.error, "could not read the catalog (\(pendingCatalogQueries.map { "\($0)" }.joined(separator: ", "))): "
                    + "\(fields?.message ?? "?"); the session was closed"))
        case BackendMessageType.readyForQuery:
            phase = .ready
            pendingCatalogQueries.removeAll()
            // Views and functions are read once every row is in: a view may
            // read one that came before it, and call any function.
            masking?.catalog.resolve()
            if let held = heldReadyForQuery {
                heldReadyForQuery = nil
                transactionStatus = Self.transactionStatus(of: PostgresFrame(type: frame.type, bytes: held)) ?? .idle
                out.sendToClient(held)
            }
            logSessionReady(&out)
        case BackendMessageType.parameterStatus, BackendMessageType.noticeResponse:
            out.sendToClient(frame.bytes)
        default:
            break  // RowDescription
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

    /// Why a statement must be refused on this connection because its
    /// results could not be masked, or nil. `analysis` is the statement's,
    /// when it was made elsewhere (off the event loop, for a long text).
    mutating func maskingRefusal(of statement: String, action: Action,
                                 analysis given: MaskedDataFlow.Analysis? = nil) -> String? {
        guard masking != nil else { return nil }
        if action.attributes.contains(where: { $0.key == "binary_results" }) {
            // Binary values of most types cannot be masked and sent back.
            return "binary rows cannot be masked on this connection; use a cursor without BINARY, or COPY in text or CSV"
        }
        if let view = action.targets.first(where: { Self.statisticsViews.contains(Self.bareName($0)) }) {
            return "\(view) shows sample values of columns, masked ones included, and cannot be read on this connection"
        }
        if let view = action.targets.first(where: { Self.activityViews.contains(Self.bareName($0)) }) {
            return "\(view) shows the statements of every session of this connection, with any masked value they name, "
                + "and cannot be read on this connection"
        }
        if let given { maskingMemo = (ExactText(statement), given) }
        let analysis = maskingAnalysis(of: statement)
        if analysis.callsNotify, analysis.touchesMaskedData {
            return "pg_notify() with masked columns would send their values unmasked to listeners"
        }
        if credentials?.maskingStrict == true, let column = analysis.inferenceColumns.first {
            return "the statement compares, sorts, groups or joins on the masked column \(column), which masking.strict refuses"
        }
        return analysis.copyRefusal
    }

    /// The catalog views whose rows hold sample values of any column.
    private static let statisticsViews: Set = ["pg_stats", "pg_stats_ext", "pg_stats_ext_exprs", "pg_statistic",
                                               "pg_statistic_ext_data"]

    /// Views that show the statement texts of other sessions. Every Warden
    /// session of a connection signs in as the same upstream role, so
    /// PostgreSQL shows each of them the others' statements in full.
    private static let activityViews: Set = ["pg_stat_activity", "pg_stat_statements"]

    private static func bareName(_ target: String) -> String {
        target.lowercased().split(separator: ".").last.map(String.init) ?? ""
    }

    /// What masking needs to know of a statement on this connection, from
    /// one parse of it: the decision and the run of one statement share it.
    mutating func maskingAnalysis(of text: String) -> MaskedDataFlow.Analysis {
        guard let flow = maskedDataFlow else { return .nothingMasked }
        let key = ExactText(text)
        if let memo = maskingMemo, memo.text == key { return memo.analysis }
        let analysis = flow.analysis(of: text)
        maskingMemo = (key, analysis)
        return analysis
    }

    /// How masked data flows through statements on this connection, for
    /// work done away from the machine; nil without masking.
    var maskedDataFlow: MaskedDataFlow? {
        guard let masking else { return nil }
        return MaskedDataFlow(maskedNames: masking.catalog.maskedNames, catalog: masking.catalog)
    }

    /// Notes what a statement's results carry (COPY formats, computed
    /// columns) before it runs.
    mutating func prepareMasking(for query: [UInt8]) {
        guard masking != nil, query.count > 6 else { return }
        let analysis = maskingAnalysis(of: String(decoding: query[5..<(query.count - 1)], as: UTF8.self))
        masking?.copyStatements = analysis.copyStatements
        masking?.plan = analysis.plan
        masking?.withhold(analysis.withholding)
    }
}
