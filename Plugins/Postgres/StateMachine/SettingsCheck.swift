/// Asks the upstream, in the middle of an extended-protocol batch, what its
/// pinned settings are now.
///
/// A Bind or an Execute may run code that changes `standard_conforming_strings`
/// or `client_encoding` (a function, a trigger, an operator), and PostgreSQL
/// reports such a change only at the batch's ReadyForQuery. A Parse pipelined
/// behind it in the same batch would be read by the server under the new
/// setting and by Warden's parser under the pinned one. So before such a
/// Parse goes upstream, Warden sends this check and holds the Parse until
/// the answer confirms the settings (or ends the session).
///
/// The check is a statement of its own: Parse, Bind, Execute and Close under
/// a random name, then Flush. Its answers — ParseComplete, BindComplete, a
/// DataRow, CommandComplete and CloseComplete — are not the client's and are
/// removed from the stream. The DataRow carries a random nonce, so no
/// statement of the client's can pass for it; the two completions right
/// before it are the check's, since nothing else was sent between them.
struct SettingsCheck: Equatable, Sendable {
    enum Stage: Equatable, Sendable {
        /// Before the check's DataRow: ParseComplete and BindComplete cannot
        /// yet be told from the client's own, so they (and asynchronous
        /// messages among them) are held in ``held``.
        case awaitingRow
        case awaitingCommandComplete
        case awaitingCloseComplete
        /// The check is answered in full; the session drops it.
        case finished
    }

    /// What the session does with one upstream message while a check is out.
    enum Outcome: Equatable, Sendable {
        /// The check keeps it for now (or it was the check's own).
        case consumed
        /// These messages go on to the client's usual path, in order.
        case relay([PostgresFrame])
        /// The check's DataRow: these settings are in force upstream. The
        /// held messages are relayed first.
        case answered(standardConformingStrings: String, clientEncoding: String, relay: [PostgresFrame])
        /// The batch failed before the check ran (or the check itself
        /// failed): the upstream now skips every message up to Sync, the
        /// held Parse included, so it may go. These messages are relayed.
        case skipped([PostgresFrame])
    }

    let nonce: String
    private(set) var stage = Stage.awaitingRow
    private var held: [PostgresFrame] = []

    init(nonce: String) {
        self.nonce = nonce
    }

    /// The messages to send upstream: the check, and a Flush so that the
    /// server answers now rather than at the batch's Sync.
    var request: [UInt8] {
        let name = "warden_settings_\(nonce)"
        let text = "SELECT pg_catalog.current_setting('standard_conforming_strings'), "
            + "pg_catalog.current_setting('client_encoding'), '\(nonce)'"
        return FrontendMessages.parse(text, name: name) + FrontendMessages.bind(portal: name, statement: name)
            + FrontendMessages.execute(portal: name) + FrontendMessages.closeStatement(name) + FrontendMessages.flush()
    }

    /// - Parameter errorEndsBatch: an ErrorResponse now belongs to the open
    ///   batch (no earlier Sync is unanswered), so the check will not run.
    mutating func observe(_ frame: PostgresFrame, errorEndsBatch: Bool) -> Outcome {
        switch stage {
        case .awaitingRow:
            return observeBeforeRow(frame, errorEndsBatch: errorEndsBatch)
        case .awaitingCommandComplete:
            if frame.type == BackendMessageType.commandComplete {
                stage = .awaitingCloseComplete
                return .consumed
            }
            return frame.type == BackendMessageType.errorResponse ? .skipped([frame]) : .relay([frame])
        case .awaitingCloseComplete:
            if frame.type == BackendMessageType.closeComplete {
                stage = .finished
                return .consumed
            }
            return frame.type == BackendMessageType.errorResponse ? .skipped([frame]) : .relay([frame])
        case .finished:
            return .relay([frame])
        }
    }

    private static let heldBeforeRow: Set<UInt8> = [
        BackendMessageType.parseComplete, BackendMessageType.bindComplete, BackendMessageType.noticeResponse,
        BackendMessageType.parameterStatus, BackendMessageType.notificationResponse,
    ]

    private mutating func observeBeforeRow(_ frame: PostgresFrame, errorEndsBatch: Bool) -> Outcome {
        if let type = frame.type, Self.heldBeforeRow.contains(type) {
            held.append(frame)
            return .consumed
        }
        if frame.type == BackendMessageType.dataRow, let settings = settings(in: frame),
           let bind = held.lastIndex(where: { $0.type == BackendMessageType.bindComplete }),
           let parse = held[..<bind].lastIndex(where: { $0.type == BackendMessageType.parseComplete }) {
            held.remove(at: bind)
            held.remove(at: parse)
            stage = .awaitingCommandComplete
            return .answered(standardConformingStrings: settings.0, clientEncoding: settings.1, relay: takeHeld())
        }
        let relay = takeHeld() + [frame]
        return frame.type == BackendMessageType.errorResponse && errorEndsBatch ? .skipped(relay) : .relay(relay)
    }

    private mutating func takeHeld() -> [PostgresFrame] {
        defer { held.removeAll() }
        return held
    }

    /// The two settings, when this DataRow is the check's own.
    private func settings(in frame: PostgresFrame) -> (String, String)? {
        guard let values = RowMessages.values(frame.body), values.count == 3,
              let marker = values[2], marker.elementsEqual(nonce.utf8),
              let conforming = values[0], let encoding = values[1]
        else { return nil }
        return (String(decoding: conforming, as: UTF8.self), String(decoding: encoding, as: UTF8.self))
    }

    /// A fresh nonce: 128 random bits in hex, safe in a statement's text
    /// whatever the settings it is checking.
    static func makeNonce() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<2).map { _ in
            let value = generator.next() as UInt64
            let hex = String(value, radix: 16)
            return String(repeating: "0", count: 16 - hex.count) + hex
        }.joined()
    }
}
