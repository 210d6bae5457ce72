import CWardenPlugin

/// A completion as Swift values; lent to the plugin as a `warden_completion`
/// whose slices stay valid only during the call.
struct CompletionPayload {
    var kind: warden_completion_kind
    var request: warden_request_id
    var status: warden_status = WARDEN_OK
    var side: SessionSide = .client
    var verdict: warden_verdict = WARDEN_VERDICT_DENY
    var actionID: UInt64 = 0
    var message: String = ""
    var subject: String = ""
    var groups: [String] = []
    var values: [(String, String)] = []
    var approvalID: String = ""

    func withBorrowed<R>(_ body: (UnsafePointer<warden_completion>) -> R) -> R {
        // Every string goes into one arena so that a single borrow covers all slices.
        var arena = ByteArena()
        let message = arena.add(self.message), subject = arena.add(self.subject)
        let approval = arena.add(approvalID)
        let groupRanges = groups.map { arena.add($0) }
        let valueRanges = values.map { (arena.add($0.0), arena.add($0.1)) }
        return arena.bytes.withUnsafeBufferPointer { base in
            let groupSlices = groupRanges.map { ByteArena.slice(base, $0) }
            let pairs = valueRanges.map { warden_pair(key: ByteArena.slice(base, $0.0), value: ByteArena.slice(base, $0.1)) }
            return groupSlices.withUnsafeBufferPointer { groups in
                pairs.withUnsafeBufferPointer { pairs in
                    var completion = warden_completion(
                        size: UInt32(MemoryLayout<warden_completion>.size), kind: kind.rawValue,
                        request_id: request, status: status.rawValue, side: side.rawValue,
                        verdict: verdict.rawValue, reserved: 0, action_id: actionID,
                        message: ByteArena.slice(base, message), subject: ByteArena.slice(base, subject),
                        groups: groups.baseAddress, group_count: groups.count,
                        values: pairs.baseAddress, value_count: pairs.count,
                        approval_id: ByteArena.slice(base, approval))
                    return body(&completion)
                }
            }
        }
    }
}

/// Collects strings into one buffer so they can be lent to C together.
struct ByteArena {
    private(set) var bytes: [UInt8] = []

    mutating func add(_ string: String) -> Range<Int> {
        let start = bytes.count
        bytes.append(contentsOf: string.utf8)
        return start..<bytes.count
    }

    mutating func add(_ raw: [UInt8]) -> Range<Int> {
        let start = bytes.count
        bytes.append(contentsOf: raw)
        return start..<bytes.count
    }

    static func slice(_ base: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> warden_bytes {
        guard let start = base.baseAddress, !range.isEmpty else { return warden_bytes(data: nil, length: 0) }
        return warden_bytes(data: start + range.lowerBound, length: range.count)
    }
}
