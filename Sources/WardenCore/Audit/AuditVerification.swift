/// The outcome of ``AuditLog/verify()``.
public enum AuditVerification: Sendable, Hashable {
    /// Every event's hash and link checked out, the trail ends where
    /// `audit_head` says, every recorded session and statement has its audit
    /// events (and the reverse), and each says what its event says.
    ///
    /// `partlyChecked` records have events written before events carried
    /// all of a record (see ``AuditedContent``): they were compared only on
    /// what their events carry.
    case intact(count: Int, partlyChecked: Int = 0)
    /// The first point at which the trail was tampered with.
    ///
    /// `seq` names the first changed or forged event, or for removed events
    /// the first missing sequence number.
    case broken(seq: Int64, reason: String)
    /// The chain of `count` events is intact, but the records and the trail
    /// disagree: these holes (at most ``AuditLog/maximumHolesReported``,
    /// oldest first by kind) name what is missing or differs. Events were
    /// lost, or removed and the chain re-hashed, or records edited.
    case incomplete(count: Int, holes: [AuditHole], partlyChecked: Int = 0)
}
