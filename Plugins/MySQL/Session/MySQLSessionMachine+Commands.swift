import WardenPluginSDK
import WardenSQLCore

/// The command phase: one command at a time, each shown to the policy
/// first; Warden's own answers (refusals) can never overtake the upstream's.
extension MySQLSessionMachine {
    mutating func handleCommand(_ packet: MySQLPacket, _ out: inout [MySQLSessionAction]) {
        clientSequence = packet.sequence &+ 1
        guard let code = packet.first else {
            return fail(&out, client: .notSupported("an empty command"), log: "the client sent an empty command")
        }
        switch code {
        case Command.quit:
            phase = .closed
            out.append(.closeClient)
        case Command.query:
            let text = Array(packet.payload.dropFirst())
            if let kill = KillStatement(text) { return self.kill(kill, packet, &out) }
            let (classification, newSyntax) = MySQLClassifier.classifyFollowingSyntax(text, syntax: syntax)
            decide(packet, action: classification.action(for: String(decoding: text, as: UTF8.self)), expectation: .results, &out)
            command?.newSyntax = newSyntax
            markMaskedReads(text)
        case Command.initDB:
            let name = String(decoding: packet.payload.dropFirst(), as: UTF8.self)
            decide(packet, action: classify(Array("USE \(Self.quotedIdentifier(name))".utf8)), expectation: .results, &out)
        case Command.fieldList:
            let table = String(decoding: packet.payload.dropFirst().prefix { $0 != 0 }, as: UTF8.self)
            let action = Action(
                kind: .statement, classification: .read, risk: .low, text: "SHOW COLUMNS FROM \(Self.quotedIdentifier(table))",
                targets: [table.lowercased()], attributes: [(key: "command", value: "SHOW COLUMNS")])
            decide(packet, action: action, expectation: .fieldList, &out)
        case Command.statementPrepare:
            let action = classify(Array(packet.payload.dropFirst()))
            decide(packet, action: action, expectation: .prepared, &out)
            command?.preparing = action
            markMaskedReads(Array(packet.payload.dropFirst()))
        case Command.statementExecute:
            execute(packet, &out)
        case Command.statementFetch:
            guard let id = PreparedStatements.id(in: packet.payload), prepared[id] != nil else {
                return sendToClient(Self.unknownStatement.payload, &out)
            }
            var fetch = CommandInFlight(packet: packet, expectation: .fetchedRows, captureLimit: 0)
            fetch.binaryRows = true
            fetch.statementID = id
            fetch.columns = prepared[id]?.columns ?? []
            fetch.withholdComputed = prepared[id]?.withholdComputed ?? false
            command = fetch
            run(&out)
        case Command.statementSendLongData, Command.statementClose:
            // No answer comes to either; data for an unknown statement goes nowhere.
            guard let id = PreparedStatements.id(in: packet.payload), prepared[id] != nil else { return }
            if code == Command.statementClose { prepared[id] = nil }
            out.append(.sendToUpstream(PacketFramer.frame(packet.payload, sequence: 0)))
        case Command.statementReset:
            guard let id = PreparedStatements.id(in: packet.payload), prepared[id] != nil else {
                return sendToClient(Self.unknownStatement.payload, &out)
            }
            forwardUndecided(packet, expectation: .results, &out)
        case Command.resetConnection:
            prepared.removeAll()
            forwardUndecided(packet, expectation: .results, &out)
        case Command.ping, Command.setOption:
            forwardUndecided(packet, expectation: .results, &out)
        case Command.statistics:
            forwardUndecided(packet, expectation: .statistics, &out)
        case Command.changeUser:
            sendToClient(ErrorPacket.notSupported("COM_CHANGE_USER: open a new connection to sign in as someone else").payload, &out)
        case Command.processKill:
            sendToClient(ErrorPacket.notSupported("COM_PROCESS_KILL: use KILL QUERY").payload, &out)
        default:
            sendToClient(ErrorPacket.notSupported("the command 0x\(String(code, radix: 16))").payload, &out)
        }
    }

    /// A KILL of a connection id the client saw: the same person's session
    /// on the same connection has its upstream thread killed (and a held
    /// statement's wait ended); any other id is unknown, as the server says.
    private mutating func kill(_ kill: KillStatement, _ packet: MySQLPacket, _ out: inout [MySQLSessionAction]) {
        guard let subject, let connection = client?.database,
              let target = directory.entry(kill.id, subject: subject, connection: connection)
        else {
            out.append(.log(.warning, kill.refusalLog))
            return sendToClient(ErrorPacket.unknownThread(kill.id).payload, &out)
        }
        killUpstreamThread(kill, of: target, &out)
    }

    /// On a masked connection: does the command in flight name a masked
    /// column (its computed values are withheld), or list messages?
    private mutating func markMaskedReads(_ text: [UInt8]) {
        guard let maskedReads else { return }
        let reading = maskedReads.reading(text, syntax: syntax)
        command?.withholdComputed = reading.namesMaskedColumn
        command?.listsMessages = reading.listsMessages
    }

    /// ER_UNKNOWN_STMT_HANDLER: an id the gateway did not see prepared.
    static let unknownStatement = ErrorPacket(code: 1243, sqlState: "HY000", message: "Unknown prepared statement handler given to Warden")

    /// A name in backticks, as the server reads it back.
    static func quotedIdentifier(_ name: String) -> String {
        "`" + name.split(separator: "`", omittingEmptySubsequences: false).joined(separator: "``") + "`"
    }

    private func classify(_ text: [UInt8]) -> Action {
        MySQLClassifier.classify(text, syntax: syntax).action(for: String(decoding: text, as: UTF8.self))
    }

    private mutating func decide(
        _ packet: MySQLPacket, action: Action, expectation: ResponseReader.Expectation, _ out: inout [MySQLSessionAction]
    ) {
        command = CommandInFlight(packet: packet, expectation: expectation, captureLimit: resultCaptureLimit)
        out.append(.decide(action))
    }

    /// An execution of a statement prepared here: its first runs on the
    /// prepare's verdict; later ones are decided again (rules or approval
    /// windows may have changed) and recorded each.
    private mutating func execute(_ packet: MySQLPacket, _ out: inout [MySQLSessionAction]) {
        guard let id = PreparedStatements.id(in: packet.payload), let statement = prepared[id] else {
            return sendToClient(Self.unknownStatement.payload, &out)
        }
        var execution = CommandInFlight(packet: packet, expectation: .results, captureLimit: resultCaptureLimit)
        execution.binaryRows = true
        execution.statementID = id
        execution.withholdComputed = statement.withholdComputed
        if let actionID = statement.unusedActionID {
            prepared[id]?.unusedActionID = nil
            execution.actionID = actionID
            command = execution
            run(&out)
        } else {
            command = execution
            var action = statement.action
            action.attributes.append((key: "prepared", value: "1"))
            out.append(.decide(action))
        }
    }

    mutating func forwardUndecided(_ packet: MySQLPacket, expectation: ResponseReader.Expectation, _ out: inout [MySQLSessionAction]) {
        command = CommandInFlight(packet: packet, expectation: expectation, captureLimit: 0)
        run(&out)
    }

    mutating func decided(_ verdict: MySQLVerdict) -> [MySQLSessionAction] {
        guard phase == .ready, var current = command, current.stage == .deciding else { return [] }
        var out: [MySQLSessionAction] = []
        switch verdict {
        case .allow(let actionID):
            current.actionID = actionID
            command = current
            run(&out)
        case .deny(let reason):
            command = nil
            sendToClient(ErrorPacket.refused(reason).payload, &out)
        case .unavailable(let reason):
            command = nil
            sendToClient(ErrorPacket(code: 1105, sqlState: "HY000", message: reason).payload, &out)
        }
        if command == nil { processClientPackets(&out) }
        return out
    }

    /// Sends the command upstream and follows its answer.
    private mutating func run(_ out: inout [MySQLSessionAction]) {
        guard var current = command else { return }
        current.stage = .running
        current.reader = ResponseReader(current.expectation, deprecateEOF: upstream.capabilities.contains(.deprecateEOF))
        command = current
        out.append(.sendToUpstream(PacketFramer.frame(current.packet.payload, sequence: 0)))
    }

    mutating func handleUpstreamResponse(_ packet: MySQLPacket, _ out: inout [MySQLSessionAction]) {
        guard var current = command, current.stage == .running, var reader = current.reader else {
            return fail(&out, client: .sessionEnded("the upstream server spoke out of turn"), log: "the upstream sent a packet while no command ran")
        }
        do {
            let kind = try reader.read(packet)
            current.reader = reader
            var payload = packet.payload
            switch kind {
            case .ok(let ok):
                // A SET sql_mode ran: later messages read with its syntax.
                if let newSyntax = current.newSyntax, !ok.status.contains(.moreResultsExist) { syntax = newSyntax }
                syntax.noBackslashEscapes = ok.status.contains(.noBackslashEscapes)
                current.summaries.append(ok.affectedRows == 1 ? "OK, 1 row affected" : "OK, \(ok.affectedRows) rows affected")
            case .error(let error):
                if settings?.masking == true {
                    guard let masker = fieldMasker, let masked = ErrorMasking.masked(error, masker: masker) else {
                        throw MaskingFailure()
                    }
                    payload = masked.payload
                    current.error = masked
                } else {
                    current.error = error
                }
            case .localInfileRequest:
                // Never honoured: the gateway reads no file. An empty packet
                // tells the server there is none; the client hears no.
                current.refusedLocalFile = true
                out.append(.sendToUpstream(PacketFramer.frame([], sequence: packet.sequence &+ 1)))
                out.append(.log(.warning, "the upstream asked for a local file; refused"))
            case .columnCount:
                current.columns = []
                current.capture.beginResultSet()
            case .column(let column):
                current.columns.append(column)
                current.capture.column(column.name)
            case .row:
                payload = try relayRow(packet.payload, &current)
            case .rowsEnd:
                current.summaries.append(current.rows == 1 ? "1 row" : "\(current.rows) rows")
                if let id = current.statementID, current.expectation == .results { prepared[id]?.columns = current.columns }
            case .prepareOK(let id, _, _):
                if let action = current.preparing {
                    prepared[id] = PreparedStatements.Statement(
                        action: action, unusedActionID: current.actionID, withholdComputed: current.withholdComputed)
                }
                current.summaries.append("PREPARE")
            case .columnsEnd, .statistics, .parameter:
                break
            }
            if !current.refusedLocalFile { sendToClient(payload, &out) }
            command = current
            if reader.isComplete { finish(&out) }
        } catch {
            fail(&out, client: .sessionEnded("Warden could not read the upstream's answer: \(error)"), log: "unreadable upstream answer: \(error)")
        }
    }

    /// A row on its way to the client: masked where the rules say, captured for replay.
    private func relayRow(_ payload: [UInt8], _ current: inout CommandInFlight) throws -> [UInt8] {
        current.rows += 1
        let masking = settings?.masking == true
        let capturing = current.capture.limit > 0
        guard masking || capturing else { return payload }
        if current.binaryRows {
            var row = try BinaryRow(parsing: payload, columns: current.columns)
            let changes = masking ? try maskedValues(row.texts, current) : [:]
            for (index, value) in changes { row.replace(index, with: value) }
            if capturing { current.capture.row(row.texts.map { $0.map { Array($0.utf8) } }) }
            return changes.isEmpty ? payload : row.payload
        }
        var values = try TextRow.values(payload, columns: current.columns.count)
        let changes = masking ? try maskedValues(values.map { $0.map { String(decoding: $0, as: UTF8.self) } }, current) : [:]
        for (index, value) in changes where index < values.count {
            // A masked number or date has no honest value of its type: NULL, as in binary rows.
            values[index] = ColumnType.isString(current.columns[index].type) ? Array(value.utf8) : nil
        }
        if capturing { current.capture.row(values) }
        return changes.isEmpty ? payload : TextRow.payload(values)
    }

    /// The masked values of one row, by column index: the host's maskers,
    /// computed values withheld where the statement names a masked column,
    /// and the messages of SHOW WARNINGS as errors' are.
    private func maskedValues(_ texts: [String?], _ current: CommandInFlight) throws -> [Int: String] {
        guard let masker = fieldMasker else { throw MaskingFailure() }
        let columns = current.columns
        let original = texts
        var texts = texts
        if current.listsMessages, let code = columns.firstIndex(where: { $0.name == "Code" }),
           let message = columns.firstIndex(where: { $0.name == "Message" }), code < texts.count, message < texts.count,
           let number = texts[code].flatMap(UInt16.init), ErrorMasking.echoingValues.contains(number), let text = texts[message] {
            texts[message] = ErrorMasking.withholdingFirstQuote(text)
        }
        let fields = zip(columns, texts).map { column, value in
            Field(name: column.name, source: column.source, typeName: column.typeName, value: value)
        }
        guard var replacements = masker.mask(fields) else { throw MaskingFailure() }
        for index in texts.indices where texts[index] != nil {
            if current.withholdComputed, columns[index].source.isEmpty {
                // Whole, whatever a detector found in it: the rest may be disguised.
                replacements[index] = MaskedReads.withheld
            } else if replacements[index] == nil, texts[index] != original[index] {
                replacements[index] = texts[index]
            }
        }
        // NULL stays NULL: there is no value to hide.
        return replacements.filter { $0.key < texts.count && texts[$0.key] != nil }
    }

    private mutating func finish(_ out: inout [MySQLSessionAction]) {
        guard let current = command else { return }
        command = nil
        if current.refusedLocalFile {
            sendToClient(ErrorPacket.refused("Warden refused the statement: the server asked for a local file; Warden never sends files (LOAD DATA LOCAL)").payload, &out)
        }
        // A prepare's verdict is spent by its first execution, which is recorded then.
        let preparedWell = current.preparing != nil && current.error == nil
        if current.actionID != 0, !preparedWell { out.append(.finished(current.result)) }
        if closeAfterCommand {
            phase = .closed
            out.append(.closeClient)
        }
    }
}

struct MaskingFailure: Error, CustomStringConvertible {
    var description: String { "the result could not be masked" }
}
