import WardenPluginSDK

/// Command bytes of the command phase.
enum Command {
    static let quit: UInt8 = 0x01
    static let initDB: UInt8 = 0x02
    static let query: UInt8 = 0x03
    static let fieldList: UInt8 = 0x04
    static let statistics: UInt8 = 0x09
    static let processKill: UInt8 = 0x0C
    static let ping: UInt8 = 0x0E
    static let changeUser: UInt8 = 0x11
    static let statementPrepare: UInt8 = 0x16
    static let statementExecute: UInt8 = 0x17
    static let statementSendLongData: UInt8 = 0x18
    static let statementClose: UInt8 = 0x19
    static let statementReset: UInt8 = 0x1A
    static let setOption: UInt8 = 0x1B
    static let statementFetch: UInt8 = 0x1C
    static let resetConnection: UInt8 = 0x1F
}

/// The command the session is working on: waiting for its verdict, then
/// for the upstream's answer, which is relayed, masked and captured.
struct CommandInFlight {
    enum Stage: Equatable { case deciding, running }

    var stage = Stage.deciding
    let packet: MySQLPacket
    let expectation: ResponseReader.Expectation
    /// The host's id for the record; 0 for commands the policy does not see (ping).
    var actionID: UInt64 = 0
    var reader: ResponseReader?
    /// The columns of the result set being relayed.
    var columns: [ColumnDefinition] = []
    var rows = 0
    var summaries: [String] = []
    var error: ErrorPacket?
    var capture: ResultCapture
    /// The server asked for a local file: the answer is swallowed and the client told no.
    var refusedLocalFile = false
    /// Rows come in the binary protocol (COM_STMT_EXECUTE, COM_STMT_FETCH).
    var binaryRows = false
    /// The prepared statement this command prepares (its action) or runs (its id).
    var preparing: Action?
    var statementID: UInt32?
    /// The statement names a masked column: its computed values are withheld (``MaskedReads``).
    var withholdComputed = false
    /// SHOW WARNINGS / SHOW ERRORS: their messages may quote values.
    var listsMessages = false
    /// The syntax a `SET sql_mode` this command runs gives the session, once it ran.
    var newSyntax: MySQLSyntax?

    init(packet: MySQLPacket, expectation: ResponseReader.Expectation, captureLimit: Int) {
        self.packet = packet
        self.expectation = expectation
        self.capture = ResultCapture(limit: captureLimit)
    }

    var result: ActionResult {
        ActionResult(
            actionID: actionID, rows: UInt64(rows), summary: summaries.joined(separator: "; "),
            error: error.map { (code: "\($0.code) (\($0.sqlState))", message: $0.message) }, table: capture.table)
    }
}

/// What the client received of the first result set, up to the session's capture limit, for replay.
struct ResultCapture {
    let limit: Int
    private(set) var columns: [String] = []
    private(set) var rows: [[String?]] = []
    private(set) var truncated = false
    private var bytes = 0
    private var sets = 0

    init(limit: Int) { self.limit = limit }

    mutating func beginResultSet() {
        sets += 1
        if sets > 1 { truncated = true }
    }

    mutating func column(_ name: String) {
        if sets == 1 { columns.append(name) }
    }

    mutating func row(_ values: [[UInt8]?]) {
        guard sets == 1, limit > 0, !truncated else { return }
        let size = values.reduce(0) { $0 + ($1?.count ?? 0) }
        guard bytes + size <= limit else {
            truncated = true
            return
        }
        bytes += size
        rows.append(values.map { $0.map { String(decoding: $0, as: UTF8.self) } })
    }

    var table: ResultTable? {
        guard sets > 0, !columns.isEmpty else { return nil }
        return ResultTable(columns: columns, rows: rows, truncated: truncated)
    }
}
