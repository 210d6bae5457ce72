/// A statement's result as the client received it, reported with an
/// ``ActionResult`` so that the host can replay the session later.
///
/// Capture at most ``SessionInfo/resultCaptureLimit`` bytes of values (a NULL
/// or empty value counts as one), in whole rows; at the first row that does
/// not fit, stop adding rows and set ``truncated``. The host drops rows past
/// its limit if a plugin sends more.
public struct ResultTable: Sendable, Equatable {
    /// The column names, in order.
    public var columns: [String]
    /// One array per row with one value per column, as text; `nil` is NULL.
    public var rows: [[String?]]
    /// The client received more than this table holds.
    public var truncated: Bool

    public init(columns: [String], rows: [[String?]], truncated: Bool = false) {
        self.columns = columns
        self.rows = rows
        self.truncated = truncated
    }
}
