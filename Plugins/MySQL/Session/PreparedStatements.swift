import WardenPluginSDK

/// The statements a client prepared through the gateway (COM_STMT_PREPARE),
/// by the upstream's statement id. A statement is decided when it is
/// prepared; an id the gateway did not see prepared is refused.
struct PreparedStatements {
    struct Statement {
        /// What the policy was shown when it was prepared.
        var action: Action
        /// The verdict of the prepare, spent by the first execution.
        var unusedActionID: UInt64?
        /// The columns of its last execution's result, for COM_STMT_FETCH.
        var columns: [ColumnDefinition] = []
        /// Its text names a masked column (see ``MaskedReads``).
        var withholdComputed = false
    }

    private var statements: [UInt32: Statement] = [:]

    subscript(id: UInt32) -> Statement? {
        get { statements[id] }
        set { statements[id] = newValue }
    }

    mutating func removeAll() { statements.removeAll() }

    /// The statement id of a COM_STMT_* packet (the four bytes after the command).
    static func id(in payload: [UInt8]) -> UInt32? {
        guard payload.count >= 5 else { return nil }
        return UInt32(payload[1]) | UInt32(payload[2]) << 8 | UInt32(payload[3]) << 16 | UInt32(payload[4]) << 24
    }
}
