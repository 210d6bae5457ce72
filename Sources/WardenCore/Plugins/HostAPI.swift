import CWardenPlugin
import Logging

/// The table of host functions every plugin receives at init (each plugin a
/// copy of its own, see ``table(slot:protocolName:)``). Each entry finds its
/// session through ``SessionRegistry`` and refuses stale handles.
enum HostAPI {
    /// Lives for the process; plugins keep the pointer.
    // Written once here and only read afterwards.
    nonisolated(unsafe) static let table: UnsafePointer<warden_host_api> = {
        let table = UnsafeMutablePointer<warden_host_api>.allocate(capacity: 1)
        table.initialize(to: warden_host_api(
            size: UInt32(MemoryLayout<warden_host_api>.size),
            abi_major: UInt16(WARDEN_ABI_MAJOR), abi_minor: UInt16(WARDEN_ABI_MINOR),
            log: log, write: write, start_tls: startTLS, authenticate: authenticate,
            open_upstream: openUpstream, decide: decide, record_result: recordResult, mask: mask,
            set_paused: setPaused, close: close, send_out_of_band: sendOutOfBand, session_log: sessionLog,
            cancel_held: cancelHeld, wake: wake, close_upstream: closeUpstream,
            start_tls_replaying: startTLSReplaying))
        return UnsafePointer(table)
    }()

    static let pluginLogger = Logger(label: "warden.plugin")

    /// The session a call from within a callback names: it must live on
    /// this event loop and be served by the plugin whose callback is running.
    private static func onSession(_ handle: warden_session, _ body: (SessionBridge) -> warden_status) -> warden_status {
        guard let bridge = SessionRegistry.shared.bridge(for: handle),
              bridge.plugin.manifest.name == CallingPlugin.name
        else { return WARDEN_NOT_FOUND }
        return body(bridge)
    }

    private static let log: @convention(c) (UInt32, warden_bytes) -> Void = { level, message in
        pluginLogger.log(level: logLevel(level), "\(message.text)")
    }

    private static let sessionLog: @convention(c) (warden_session, UInt32, warden_bytes) -> warden_status = {
        handle, level, message in
        onSession(handle) { bridge in
            bridge.logger.log(level: logLevel(level), "\(message.text)", metadata: ["plugin": "\(bridge.plugin.manifest.name)"])
            return WARDEN_OK
        }
    }

    private static func logLevel(_ level: UInt32) -> Logger.Level {
        switch warden_log_level(rawValue: level) {
        case WARDEN_LOG_DEBUG: .debug
        case WARDEN_LOG_INFO: .info
        case WARDEN_LOG_WARNING: .warning
        default: .error
        }
    }

    private static let write: @convention(c) (warden_session, UInt32, warden_bytes) -> warden_status = { handle, side, bytes in
        onSession(handle) { bridge in
            guard let side = SessionSide(rawValue: side) else { return WARDEN_BAD_ARGUMENT }
            return bridge.write(bytes, to: side)
        }
    }

    private static let startTLS: @convention(c) (warden_session, UInt32, warden_request_id) -> warden_status = { handle, side, request in
        onSession(handle) { bridge in
            guard let side = SessionSide(rawValue: side) else { return WARDEN_BAD_ARGUMENT }
            return bridge.startTLS(side, request: request)
        }
    }

    private static let startTLSReplaying: @convention(c) (warden_session, UInt32, warden_request_id, warden_bytes) -> warden_status = {
        handle, side, request, received in
        onSession(handle) { bridge in
            guard let side = SessionSide(rawValue: side) else { return WARDEN_BAD_ARGUMENT }
            return bridge.startTLS(side, request: request, replaying: Array(received.rawBuffer))
        }
    }

    private static let authenticate: @convention(c) (
        warden_session, UnsafePointer<warden_credential>?, warden_request_id
    ) -> warden_status = { handle, credential, request in
        onSession(handle) { bridge in
            guard let credential, credential.pointee.size >= MemoryLayout<warden_credential>.size,
                  credential.pointee.kind == WARDEN_CREDENTIAL_BEARER_TOKEN.rawValue
            else { return WARDEN_BAD_ARGUMENT }
            return bridge.authenticate(
                token: credential.pointee.secret.text, connection: credential.pointee.connection.text,
                clientUser: credential.pointee.client_user.text, request: request)
        }
    }

    private static let openUpstream: @convention(c) (warden_session, warden_bytes, warden_request_id) -> warden_status = {
        handle, connection, request in
        onSession(handle) { $0.openUpstream(connection: connection.text, request: request) }
    }

    private static let decide: @convention(c) (warden_session, UnsafePointer<warden_action>?, warden_request_id) -> warden_status = {
        handle, action, request in
        onSession(handle) { bridge in
            guard let action, action.pointee.size >= MemoryLayout<warden_action>.size else { return WARDEN_BAD_ARGUMENT }
            return bridge.decide(ActionDescriptor(action.pointee), request: request)
        }
    }

    private static let recordResult: @convention(c) (warden_session, UnsafePointer<warden_action_result>?) -> warden_status = {
        handle, result in
        onSession(handle) { bridge in
            // A 1.0 plugin's struct ends after error_message; the 1.1 table is optional.
            guard let result, PluginStruct.covers(result.pointee.size, \warden_action_result.error_message) else {
                return WARDEN_BAD_ARGUMENT
            }
            return bridge.recordResult(PluginStruct.copy(result, size: result.pointee.size, over: warden_action_result()))
        }
    }

    private static let mask: @convention(c) (
        warden_session, UnsafePointer<warden_field>?, Int, warden_mask_sink?, UnsafeMutableRawPointer?
    ) -> warden_status = { handle, fields, count, sink, context in
        onSession(handle) { bridge in
            // A plugin uses only what its manifest declares.
            guard bridge.plugin.manifest.has(PluginManifestInfo.maskingCapability) else { return WARDEN_UNSUPPORTED }
            guard let sink else { return WARDEN_BAD_ARGUMENT }
            guard count > 0 else { return WARDEN_OK }
            guard let fields, fields.pointee.size >= MemoryLayout<warden_field>.size else { return WARDEN_BAD_ARGUMENT }
            return bridge.mask(UnsafeBufferPointer(start: fields, count: count)) { index, value in sink(context, index, value) }
        }
    }

    private static let setPaused: @convention(c) (warden_session, UInt32, UInt32) -> warden_status = { handle, side, paused in
        onSession(handle) { bridge in
            guard let side = SessionSide(rawValue: side) else { return WARDEN_BAD_ARGUMENT }
            bridge.setPaused(side, paused != 0)
            return WARDEN_OK
        }
    }

    private static let close: @convention(c) (warden_session) -> warden_status = { handle in
        onSession(handle) { bridge in
            bridge.closeWhenFlushed()
            return WARDEN_OK
        }
    }

    private static let closeUpstream: @convention(c) (warden_session) -> warden_status = { handle in
        onSession(handle) { bridge in
            bridge.closeUpstream()
        }
    }

    /// Each plugin's own table replaces these entries with ones that know the
    /// caller (see ``table(slot:protocolName:)``); these refuse.
    private static let cancelHeld: @convention(c) (warden_session, warden_bytes) -> warden_status = { _, _ in
        WARDEN_UNSUPPORTED
    }

    private static let wake: @convention(c) (warden_session, warden_request_id) -> warden_status = { _, _ in
        WARDEN_UNSUPPORTED
    }

    /// Each plugin's own table replaces this entry with one that knows the
    /// caller (see ``table(slot:protocolName:)``); this one refuses.
    private static let sendOutOfBand: @convention(c) (warden_bytes, warden_bytes) -> warden_status = { _, _ in
        WARDEN_UNSUPPORTED
    }
}

/// The two sides of a session, as the host names them.
enum SessionSide: UInt32, Sendable {
    case client = 0
    case upstream = 1
}

extension warden_bytes {
    var rawBuffer: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: data, count: data == nil ? 0 : length)
    }
}
