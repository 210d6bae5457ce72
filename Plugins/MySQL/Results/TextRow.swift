/// A text-protocol row: one length-encoded string per column, 0xFB for NULL.
enum TextRow {
    static func values(_ payload: [UInt8], columns: Int) throws(MySQLProtocolError) -> [[UInt8]?] {
        var reader = PacketReader(payload)
        var values: [[UInt8]?] = []
        values.reserveCapacity(columns)
        for _ in 0..<columns { values.append(try reader.lengthEncodedBytes()) }
        guard reader.isAtEnd else { throw .malformed("a row with more values than columns") }
        return values
    }

    static func payload(_ values: [[UInt8]?]) -> [UInt8] {
        var writer = PacketWriter(reservingCapacity: values.reduce(0) { $0 + ($1?.count ?? 0) + 9 })
        for value in values {
            if let value { writer.lengthEncoded(value) } else { writer.byte(0xFB) }
        }
        return writer.bytes
    }
}

/// Reads the answer to the gateway's own `SELECT @@SESSION.sql_mode`.
struct SQLModeReader {
    enum Outcome: Equatable {
        case more
        case done(String, ServerStatus)
        case failed(String)
    }

    private var reader: ResponseReader?
    private var mode: String?

    mutating func read(_ packet: MySQLPacket, deprecateEOF: Bool) -> Outcome {
        if reader == nil { reader = ResponseReader(.results, deprecateEOF: deprecateEOF) }
        do {
            switch try reader!.read(packet) {
            case .error(let error): return .failed(error.message)
            case .row: mode = try TextRow.values(packet.payload, columns: 1).first.flatMap { $0 }.map { String(decoding: $0, as: UTF8.self) }
            case .rowsEnd(let status) where reader!.isComplete:
                guard let mode else { return .failed("no row") }
                return .done(mode, status)
            case .ok, .localInfileRequest: return .failed("an answer without rows")
            default: break
            }
            return .more
        } catch {
            return .failed("\(error)")
        }
    }
}
