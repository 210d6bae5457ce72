/// The outcome of ``AuditLog/verify()``.
public enum AuditVerification: Sendable, Hashable {
    /// Every event's hash and link checked out, and the trail ends where `audit_head` says.
    case intact(count: Int)
    /// The first point at which the trail was tampered with.
    ///
    /// `seq` names the first changed or forged event, or for removed events
    /// the first missing sequence number.
    case broken(seq: Int64, reason: String)
}
