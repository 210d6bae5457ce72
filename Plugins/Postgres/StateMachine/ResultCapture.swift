/// Keeps the result table of one statement as the client receives it, from
/// RowDescription and DataRow messages, up to a byte budget.
///
/// Only the first result set is kept. A Query with several statements
/// (`SET …; SELECT …`, `BEGIN; …; COMMIT`) usually has one table worth
/// seeing, and it is most often the first that has rows; keeping the first
/// also means the budget is spent in the order bytes arrive and what is kept
/// never has to be thrown away for a later set. A later RowDescription marks
/// the table truncated, so a replay says there was more.
///
/// The budget counts the bytes of the values as they arrive; a NULL or empty
/// value counts as one, so that a flood of them is bounded too. Rows are kept
/// whole: the first row that does not fit ends the capture.
struct ResultCapture: Equatable {
    /// Value bytes to keep; 0 keeps nothing.
    let limit: Int
    private(set) var table: CapturedTable?
    private var used = 0
    /// Per column: true for binary format (only a binary cursor's FETCH in
    /// the simple protocol), rendered as hex.
    private var binary: [Bool] = []
    /// Rows go into `table` until the first result set ends or the budget runs out.
    private var capturing = false

    init(limit: Int) {
        self.limit = limit
    }

    mutating func rowDescription(_ body: ArraySlice<UInt8>) {
        guard limit > 0 else { return }
        if table != nil {
            capturing = false
            table?.truncated = true
            return
        }
        guard let columns = RowMessages.fields(body), !columns.isEmpty else { return }
        table = CapturedTable(columns: columns.map(\.name), rows: [], truncated: false)
        binary = columns.map(\.binary)
        capturing = true
    }

    mutating func dataRow(_ body: ArraySlice<UInt8>) {
        guard capturing else { return }
        guard let values = RowMessages.values(body), values.count == binary.count else {
            // The relay forwards it as it is; the table cannot show it.
            return stop()
        }
        let cost = values.reduce(0) { $0 + max($1?.count ?? 0, 1) }
        guard cost <= limit - used else { return stop() }
        used += cost
        table?.rows.append(zip(values, binary).map { value, binary in
            value.map { binary ? Self.hex($0) : String(decoding: $0, as: UTF8.self) }
        })
    }

    private mutating func stop() {
        capturing = false
        table?.truncated = true
    }

    private static func hex(_ bytes: ArraySlice<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = Array("\\x".utf8)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
