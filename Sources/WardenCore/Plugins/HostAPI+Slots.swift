import CWardenPlugin
import Synchronization

/// One host table per loaded plugin, so that calls made from any thread know
/// their caller: `send_out_of_band` may reach only the upstreams of the
/// calling plugin's own protocol, and `cancel_held` and `wake` only its own
/// sessions.
///
/// C function pointers cannot capture, so each slot has its own fixed entry
/// that passes its number on; a process loads at most ``maximumPlugins``.
extension HostAPI {
    static let maximumPlugins = 16

    /// The protocol each slot's plugin speaks; nil for a masker.
    private static let slotProtocols = Mutex<[Int: String]>([:])

    /// The table for the plugin in `slot`, which speaks `protocolName`
    /// (nil for a masker). Lives for the process.
    static func table(slot: Int, protocolName: String?) -> UnsafePointer<warden_host_api> {
        precondition(slot < maximumPlugins, "callers check maximumPlugins")
        slotProtocols.withLock { $0[slot] = protocolName }
        let table = UnsafeMutablePointer<warden_host_api>.allocate(capacity: 1)
        table.initialize(to: HostAPI.table.pointee)
        table.pointee.send_out_of_band = outOfBandEntries[slot]
        table.pointee.cancel_held = cancelHeldEntries[slot]
        table.pointee.wake = wakeEntries[slot]
        return UnsafePointer(table)
    }

    /// From any thread, for a session of the caller's own protocol: a
    /// held approval of it ends (the client asked to cancel).
    private static func cancelHeld(slot: Int, _ handle: warden_session, _ reason: warden_bytes) -> warden_status {
        guard let caller = slotProtocols.withLock({ $0[slot] ?? nil }) else { return WARDEN_UNSUPPORTED }
        let reason = reason.text
        let found = SessionRegistry.shared.onLoop(of: handle, plugin: caller) { bridge in bridge.cancelHeld(reason: reason) }
        return found ? WARDEN_OK : WARDEN_NOT_FOUND
    }

    /// From any thread, for a session of the caller's own protocol: the
    /// completion is delivered on the session's event loop.
    private static func wake(slot: Int, _ handle: warden_session, _ request: warden_request_id) -> warden_status {
        guard let caller = slotProtocols.withLock({ $0[slot] ?? nil }) else { return WARDEN_UNSUPPORTED }
        let found = SessionRegistry.shared.onLoop(of: handle, plugin: caller) { bridge in
            bridge.complete(CompletionPayload(kind: WARDEN_COMPLETION_WAKE, request: request))
        }
        return found ? WARDEN_OK : WARDEN_NOT_FOUND
    }

    private static func sendOutOfBand(slot: Int, _ connection: warden_bytes, _ bytes: warden_bytes) -> warden_status {
        guard let gateway = Gateway.current else { return WARDEN_UNAVAILABLE }
        guard let caller = slotProtocols.withLock({ $0[slot] ?? nil }) else { return WARDEN_UNSUPPORTED }
        return gateway.sendOutOfBand(connection: connection.text, bytes: Array(bytes.rawBuffer), fromProtocol: caller)
    }

    private static let outOfBandEntries: [@convention(c) (warden_bytes, warden_bytes) -> warden_status] = [
        { sendOutOfBand(slot: 0, $0, $1) }, { sendOutOfBand(slot: 1, $0, $1) },
        { sendOutOfBand(slot: 2, $0, $1) }, { sendOutOfBand(slot: 3, $0, $1) },
        { sendOutOfBand(slot: 4, $0, $1) }, { sendOutOfBand(slot: 5, $0, $1) },
        { sendOutOfBand(slot: 6, $0, $1) }, { sendOutOfBand(slot: 7, $0, $1) },
        { sendOutOfBand(slot: 8, $0, $1) }, { sendOutOfBand(slot: 9, $0, $1) },
        { sendOutOfBand(slot: 10, $0, $1) }, { sendOutOfBand(slot: 11, $0, $1) },
        { sendOutOfBand(slot: 12, $0, $1) }, { sendOutOfBand(slot: 13, $0, $1) },
        { sendOutOfBand(slot: 14, $0, $1) }, { sendOutOfBand(slot: 15, $0, $1) },
    ]

    private static let cancelHeldEntries: [@convention(c) (warden_session, warden_bytes) -> warden_status] = [
        { cancelHeld(slot: 0, $0, $1) },
        { cancelHeld(slot: 1, $0, $1) },
        { cancelHeld(slot: 2, $0, $1) },
        { cancelHeld(slot: 3, $0, $1) },
        { cancelHeld(slot: 4, $0, $1) },
        { cancelHeld(slot: 5, $0, $1) },
        { cancelHeld(slot: 6, $0, $1) },
        { cancelHeld(slot: 7, $0, $1) },
        { cancelHeld(slot: 8, $0, $1) },
        { cancelHeld(slot: 9, $0, $1) },
        { cancelHeld(slot: 10, $0, $1) },
        { cancelHeld(slot: 11, $0, $1) },
        { cancelHeld(slot: 12, $0, $1) },
        { cancelHeld(slot: 13, $0, $1) },
        { cancelHeld(slot: 14, $0, $1) },
        { cancelHeld(slot: 15, $0, $1) },
    ]

    private static let wakeEntries: [@convention(c) (warden_session, warden_request_id) -> warden_status] = [
        { wake(slot: 0, $0, $1) },
        { wake(slot: 1, $0, $1) },
        { wake(slot: 2, $0, $1) },
        { wake(slot: 3, $0, $1) },
        { wake(slot: 4, $0, $1) },
        { wake(slot: 5, $0, $1) },
        { wake(slot: 6, $0, $1) },
        { wake(slot: 7, $0, $1) },
        { wake(slot: 8, $0, $1) },
        { wake(slot: 9, $0, $1) },
        { wake(slot: 10, $0, $1) },
        { wake(slot: 11, $0, $1) },
        { wake(slot: 12, $0, $1) },
        { wake(slot: 13, $0, $1) },
        { wake(slot: 14, $0, $1) },
        { wake(slot: 15, $0, $1) },
    ]
}
