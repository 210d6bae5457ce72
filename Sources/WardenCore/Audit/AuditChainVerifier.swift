/// Walks audit events in `seq` order and finds the first one that breaks the
/// chain; then compares the end of the trail with `audit_head`.
///
/// Pure logic over values, so ``AuditLog`` can feed it a page at a time.
struct AuditChainVerifier {
    /// The one-row `audit_head` table: the seq and hash of the last event appended.
    struct Head: Sendable, Equatable {
        var seq: Int64
        var hash: String
    }

    private(set) var count = 0
    private var lastSeq: Int64 = 0
    private var lastHash = AuditHash.genesis

    /// Checks the next event; returns the break if it is one.
    mutating func check(_ event: AuditEvent) -> AuditVerification? {
        let expected = lastSeq + 1
        if event.seq > expected {
            let missing = expected == event.seq - 1 ? "event #\(expected) is" : "events #\(expected)–#\(event.seq - 1) are"
            return .broken(seq: expected, reason: "\(missing) missing: the trail jumps from #\(lastSeq) to #\(event.seq)")
        }
        if event.seq < expected {
            return .broken(seq: event.seq, reason: "unexpected sequence number #\(event.seq) after #\(lastSeq): the event was inserted")
        }
        if event.prevHash != lastHash {
            let previous = lastSeq == 0 ? "the start of the trail" : "the hash of event #\(lastSeq)"
            return .broken(
                seq: event.seq,
                reason: "prev_hash does not match \(previous): the event before it was changed or removed, or this one was inserted")
        }
        if event.computedHash != event.hash {
            return .broken(seq: event.seq, reason: "hash mismatch: the event's fields were changed after it was written")
        }
        count += 1
        lastSeq = event.seq
        lastHash = event.hash
        return nil
    }

    /// The verdict once every event has been checked without a break.
    func finish(head: Head?) -> AuditVerification {
        guard let head else {
            return .broken(seq: lastSeq + 1, reason: "the audit_head row is missing, so removed trailing events cannot be ruled out")
        }
        if head.seq > lastSeq {
            let removed = head.seq - lastSeq
            return .broken(
                seq: lastSeq + 1,
                reason: "the last \(removed) event\(removed == 1 ? " was" : "s were") removed: audit_head records #\(head.seq) but the trail ends at #\(lastSeq)")
        }
        if head.seq < lastSeq {
            return .broken(
                seq: head.seq + 1,
                reason: "event #\(head.seq + 1) was not written by warden: audit_head records #\(head.seq) but the trail ends at #\(lastSeq)")
        }
        if head.hash != lastHash {
            return .broken(seq: lastSeq, reason: "the last event does not match audit_head: it was changed or replaced")
        }
        return .intact(count: count)
    }
}
