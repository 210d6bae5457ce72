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
            decide(packet, classifying: Array(packet.payload.dropFirst()), expectation: .results, &out)
        case Command.initDB:
            let name = String(decoding: packet.payload.dropFirst(), as: UTF8.self)
            let text = "USE \(Self.quotedIdentifier(name))"
            decide(packet, classifying: Array(text.utf8), expectation: .results, &out)
        case Command.fieldList:
            let table = String(decoding: packet.payload.dropFirst().prefix { $0 != 0 }, as: UTF8.self)
            let action = Action(
                kind: .statement, classification: .read, risk: .low,
                text: "SHOW COLUMNS FROM \(Self.quotedIdentifier(table))",
                targets: [table.lowercased()], attributes: [(key: "command", value: "SHOW COLUMNS")])
            command = CommandInFlight(packet: packet, expectation: .fieldList, captureLimit: 0)
            out.append(.decide(action))
        case Command.ping, Command.resetConnection, Command.setOption:
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

    /// A name in backticks, as the server reads it back.
    static func quotedIdentifier(_ name: String) -> String {
        "`" + name.split(separator: "`", omittingEmptySubsequences: false).joined(separator: "``") + "`"
    }

    private mutating func decide(
        _ packet: MySQLPacket, classifying text: [UInt8], expectation: ResponseReader.Expectation,
        _ out: inout [MySQLSessionAction]
    ) {
        let classification = MySQLClassifier.classify(text, syntax: syntax)
        command = CommandInFlight(packet: packet, expectation: expectation, captureLimit: resultCaptureLimit)
        out.append(.decide(classification.action(for: String(decoding: text, as: UTF8.self))))
    }

    private mutating func forwardUndecided(_ packet: MySQLPacket, expectation: ResponseReader.Expectation, _ out: inout [MySQLSessionAction]) {
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
                current.summaries.append(ok.affectedRows == 1 ? "OK, 1 row affected" : "OK, \(ok.affectedRows) rows affected")
            case .error(let error):
                current.error = error
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
            case .columnsEnd, .statistics, .prepareOK, .parameter:
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
        guard settings?.masking == true || current.capture.limit > 0 else { return payload }
        var values = try TextRow.values(payload, columns: current.columns.count)
        var changed = false
        if settings?.masking == true {
            guard let masker = fieldMasker else { throw MaskingFailure() }
            let fields = zip(current.columns, values).map { column, value in
                Field(name: column.name, source: column.source, typeName: column.typeName,
                      value: value.map { String(decoding: $0, as: UTF8.self) })
            }
            guard let replacements = masker.mask(fields) else { throw MaskingFailure() }
            for (index, value) in replacements where index < values.count {
                values[index] = Array(value.utf8)
                changed = true
            }
        }
        current.capture.row(values)
        return changed ? TextRow.payload(values) : payload
    }

    private mutating func finish(_ out: inout [MySQLSessionAction]) {
        guard let current = command else { return }
        command = nil
        if current.refusedLocalFile {
            sendToClient(ErrorPacket.refused("Warden refused the statement: the server asked for a local file; Warden never sends files (LOAD DATA LOCAL)").payload, &out)
        }
        if current.actionID != 0 { out.append(.finished(current.result)) }
    }
}

struct MaskingFailure: Error, CustomStringConvertible {
    var description: String { "the result could not be masked" }
}
