/// Keeping the server's reading of statement texts the same as Warden's:
/// no statement text goes upstream while a pinned setting may have changed
/// unseen (see ``PinnedSettings`` and ``SettingsCheck``).
extension PostgresSessionMachine {
    /// Whether a Parse may go upstream now. When code may have run in the
    /// open batch, sends a settings check, and the Parse waits for it.
    mutating func pinnedSettingsConfirmed(_ out: inout ActionBuffer) -> Bool {
        guard let batch = extended.codeBatch else { return true }
        if extended.settingsCheck != nil { return false }
        // The code ran in a batch already ended by Sync: its ReadyForQuery,
        // and any ParameterStatus before it, are on their way.
        if batch < extended.syncsSent { return false }
        // The upstream skips everything up to Sync, this Parse included.
        if extended.currentBatchFailed { return true }
        let check = SettingsCheck(nonce: SettingsCheck.makeNonce())
        extended.settingsCheck = check
        out.sendToUpstream(check.request)
        return false
    }

    /// An upstream message while a settings check is out: the check's own
    /// answers are removed, and its verdict applied.
    mutating func observeSettingsCheck(_ frame: PostgresFrame, _ check: SettingsCheck, _ out: inout ActionBuffer) {
        var check = check
        let outcome = check.observe(frame, errorEndsBatch: extended.syncsAnswered == extended.syncsSent)
        extended.settingsCheck = check.stage == .finished ? nil : check
        switch outcome {
        case .consumed:
            break
        case .relay(let frames):
            relay(frames, &out)
        case .answered(let conforming, let encoding, let frames):
            relay(frames, &out)
            for (name, value) in [("standard_conforming_strings", conforming), ("client_encoding", encoding)]
            where !PinnedSettings.holds(name, value) {
                return endForChangedSetting(name: name, value: value, &out)
            }
            extended.codeBatch = nil
        case .skipped(let frames):
            extended.settingsCheck = nil
            relay(frames, &out)
        }
    }

    private mutating func relay(_ frames: [PostgresFrame], _ out: inout ActionBuffer) {
        for frame in frames where phase != .closed {
            relayReadyUpstreamMessage(frame, &out)
        }
    }

    /// Refused statements cannot change a pinned setting; a function, a
    /// trigger or a rule could. Later statements would be read differently
    /// by the server than by Warden's parser, so none may follow.
    mutating func endForChangedSetting(name: String, value: String, _ out: inout ActionBuffer) {
        closeSession(&out, clientError: BackendMessages.errorResponse(
            .fatal, code: "55000",
            message: "the server changed \(name) to \(value), which Warden must keep at \(PinnedSettings.value(of: name))"),
            log: (.error, "the upstream changed \(name) to \(value); the session was closed"))
    }
}
