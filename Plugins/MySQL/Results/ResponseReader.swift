/// Follows the upstream's answer to one command packet by packet: what
/// each packet is, and when the answer is complete. It never changes a
/// packet; the session decides what to do with each.
struct ResponseReader {
    /// The shape of answer a command gets.
    enum Expectation: Equatable {
        /// OK, ERR, a result set or a LOCAL INFILE request; possibly several (multi-results).
        case results
        /// COM_STMT_PREPARE: a prepare-OK, then parameter and column definitions.
        case prepared
        /// COM_FIELD_LIST: column definitions up to an EOF.
        case fieldList
        /// COM_STATISTICS: one string.
        case statistics
        /// COM_STMT_FETCH: rows of a cursor up to an EOF.
        case fetchedRows
    }

    enum Packet: Equatable {
        case ok(OKPacket)
        case error(ErrorPacket)
        case localInfileRequest
        case columnCount(Int)
        case column(ColumnDefinition)
        /// The EOF between definitions and rows (without CLIENT_DEPRECATE_EOF).
        case columnsEnd
        case row
        /// The EOF or OK after the rows.
        case rowsEnd(ServerStatus)
        case prepareOK(statementID: UInt32, columns: Int, parameters: Int)
        case parameter
        case statistics
    }

    private enum State: Equatable {
        case start
        case columns(remaining: Int)
        case columnsEOF
        case rows
        case preparedDefinitions(parameters: Int, columns: Int)
        case preparedEOF(thenColumns: Int)
        case fieldList
        case done
    }

    let expectation: Expectation
    let deprecateEOF: Bool
    private var state = State.start
    /// The answer ended: the next packet belongs to the next command.
    var isComplete: Bool { state == .done }
    init(_ expectation: Expectation, deprecateEOF: Bool) {
        self.expectation = expectation
        self.deprecateEOF = deprecateEOF
        switch expectation {
        case .fieldList: state = .fieldList
        case .fetchedRows: state = .rows
        default: state = .start
        }
    }

    /// An EOF (or an OK in its place) rather than a row: 0xFE and shorter
    /// than a row that starts with an 8-byte length could be.
    private static func isEnd(_ payload: [UInt8]) -> Bool {
        payload.first == PacketHeader.eof && payload.count < PacketFramer.maxPhysicalPayload
    }

    mutating func read(_ packet: MySQLPacket) throws(MySQLProtocolError) -> Packet {
        let payload = packet.payload
        if payload.first == PacketHeader.error, state != .done {
            state = .done
            return .error(try ErrorPacket(parsing: payload))
        }
        switch state {
        case .start:
            switch expectation {
            case .statistics:
                state = .done
                return .statistics
            case .prepared:
                return try readPrepareOK(payload)
            default:
                break
            }
            switch payload.first {
            case PacketHeader.ok:
                let ok = try OKPacket(parsing: payload)
                if !ok.status.contains(.moreResultsExist) { state = .done }
                return .ok(ok)
            case PacketHeader.localInfile:
                return .localInfileRequest
            default:
                var reader = PacketReader(payload)
                guard let count = try reader.lengthEncodedInteger(), count > 0, count <= 4096 else {
                    throw .malformed("a result announces an impossible column count")
                }
                state = .columns(remaining: Int(count))
                return .columnCount(Int(count))
            }
        case .columns(let remaining):
            let column = try ColumnDefinition(parsing: payload)
            state = remaining > 1 ? .columns(remaining: remaining - 1) : (deprecateEOF ? .rows : .columnsEOF)
            return .column(column)
        case .columnsEOF:
            guard Self.isEnd(payload) else { throw .malformed("no EOF after the column definitions") }
            // A cursor opened (COM_STMT_EXECUTE with a cursor type): the rows
            // come with COM_STMT_FETCH, not now.
            state = OKPacket.eofStatus(payload).contains(.cursorExists) ? .done : .rows
            return .columnsEnd
        case .rows:
            guard Self.isEnd(payload) else { return .row }
            let status = deprecateEOF ? try OKPacket(parsing: payload).status : OKPacket.eofStatus(payload)
            state = status.contains(.moreResultsExist) ? .start : .done
            return .rowsEnd(status)
        case .preparedDefinitions(let parameters, let columns):
            if parameters > 0 {
                let next = parameters - 1
                state = next > 0 ? .preparedDefinitions(parameters: next, columns: columns)
                    : (deprecateEOF ? (columns > 0 ? .preparedDefinitions(parameters: 0, columns: columns) : .done)
                        : .preparedEOF(thenColumns: columns))
                return .parameter
            }
            let column = try ColumnDefinition(parsing: payload)
            let next = columns - 1
            state = next > 0 ? .preparedDefinitions(parameters: 0, columns: next) : (deprecateEOF ? .done : .preparedEOF(thenColumns: 0))
            return .column(column)
        case .preparedEOF(let columns):
            guard Self.isEnd(payload) else { throw .malformed("no EOF after the prepared statement's definitions") }
            state = columns > 0 ? .preparedDefinitions(parameters: 0, columns: columns) : .done
            return .columnsEnd
        case .fieldList:
            if Self.isEnd(payload) {
                state = .done
                return .rowsEnd(deprecateEOF ? (try? OKPacket(parsing: payload).status) ?? [] : OKPacket.eofStatus(payload))
            }
            return .column(try ColumnDefinition(parsing: payload))
        case .done:
            throw .malformed("a packet after the end of an answer")
        }
    }

    private mutating func readPrepareOK(_ payload: [UInt8]) throws(MySQLProtocolError) -> Packet {
        guard payload.first == PacketHeader.ok else { throw .malformed("a prepare answer that is not OK") }
        var reader = PacketReader(payload, offset: 1)
        let id = UInt32(try reader.integer(4))
        let columns = Int(try reader.integer(2))
        let parameters = Int(try reader.integer(2))
        if parameters + columns == 0 {
            state = .done
        } else {
            state = .preparedDefinitions(parameters: parameters, columns: columns)
        }
        return .prepareOK(statementID: id, columns: columns, parameters: parameters)
    }
}
