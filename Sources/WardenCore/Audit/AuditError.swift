/// Why the audit trail could not be opened or written.
public enum AuditError: Error, Sendable, CustomStringConvertible {
    /// The file, or its audit tables, do not exist and were not to be created.
    case noAuditTrail(path: String)
    /// `audit_head` is missing, so the next event has no trusted predecessor.
    case headMissing(path: String)

    public var description: String {
        switch self {
        case .noAuditTrail(let path): "no audit trail in \(path)"
        case .headMissing(let path): "the audit_head row is missing in \(path): run `warden audit verify`"
        }
    }
}
