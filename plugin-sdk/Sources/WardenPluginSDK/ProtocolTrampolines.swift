import CWardenPlugin

/// Keeps a protocol plugin alive and hands the host its hooks.
final class ProtocolPluginBox: PluginInstance {
    let plugin: any ProtocolPlugin
    let host: PluginHost

    init(plugin: any ProtocolPlugin, host: PluginHost) {
        self.plugin = plugin
        self.host = host
    }

    func fill(_ instance: inout warden_plugin_instance) {
        instance.plugin = Unmanaged.passRetained(self).toOpaque()
        instance.protocol = protocolHooks
    }
}

/// One session's state as the host holds it: `Unmanaged` between
/// `session_open` and `session_close`.
final class SessionBox {
    let session: any ProtocolSession
    let context: SessionContext

    init(session: any ProtocolSession, context: SessionContext) {
        self.session = session
        self.context = context
    }

    /// Fail closed: tell the client in its own protocol, log, and close.
    func fail(_ error: any Error) -> warden_flow {
        context.log(.error, "session failed: \(error)")
        if let message = session.failureMessage(for: error) {
            try? context.write(message, to: .client)
        }
        return WARDEN_FLOW_CLOSE
    }
}

// Immutable after its one-time initialization; the host only reads it.
nonisolated(unsafe) private let protocolHooks: UnsafePointer<warden_protocol_hooks> = {
    let hooks = UnsafeMutablePointer<warden_protocol_hooks>.allocate(capacity: 1)
    hooks.initialize(to: warden_protocol_hooks(
        size: UInt32(MemoryLayout<warden_protocol_hooks>.size), reserved: 0,
        session_open: sessionOpen, on_data: onData, on_completion: onCompletion,
        on_closed: onClosed, session_close: sessionClose, on_ending: onEnding, refuse_client: refuseClient))
    return UnsafePointer(hooks)
}()

private let sessionOpen: @convention(c) (
    UnsafeMutableRawPointer?, warden_session, UnsafePointer<warden_session_info>?, UnsafeMutablePointer<UnsafeMutableRawPointer?>?
) -> warden_status = { plugin, session, info, state in
    guard let plugin, let info, let state else { return WARDEN_BAD_ARGUMENT }
    let box = Unmanaged<ProtocolPluginBox>.fromOpaque(plugin).takeUnretainedValue()
    let context = SessionContext(api: box.host.api, session: session)
    let sessionInfo = SessionInfo(info)
    do {
        let handler = try box.plugin.makeSession(context: context, info: sessionInfo)
        state.pointee = Unmanaged.passRetained(SessionBox(session: handler, context: context)).toOpaque()
        return WARDEN_OK
    } catch {
        context.host.log(.error, "could not open a session: \(error)")
        return WARDEN_INTERNAL
    }
}

private let onData: @convention(c) (UnsafeMutableRawPointer?, UInt32, warden_bytes) -> warden_flow = { state, side, bytes in
    guard let state, let side = Side(rawValue: side) else { return WARDEN_FLOW_CLOSE }
    let box = Unmanaged<SessionBox>.fromOpaque(state).takeUnretainedValue()
    do {
        return warden_flow(rawValue: try box.session.received(bytes.rawBuffer, from: side).rawValue)
    } catch {
        return box.fail(error)
    }
}

private let onCompletion: @convention(c) (UnsafeMutableRawPointer?, UnsafePointer<warden_completion>?) -> warden_flow = {
    state, completion in
    guard let state, let completion else { return WARDEN_FLOW_CLOSE }
    let box = Unmanaged<SessionBox>.fromOpaque(state).takeUnretainedValue()
    do {
        let decoded = try Completion(completion.pointee)
        return warden_flow(rawValue: try box.session.completed(decoded).rawValue)
    } catch {
        return box.fail(error)
    }
}

private let onClosed: @convention(c) (UnsafeMutableRawPointer?, UInt32) -> Void = { state, side in
    guard let state, let side = Side(rawValue: side) else { return }
    Unmanaged<SessionBox>.fromOpaque(state).takeUnretainedValue().session.closed(side)
}

private let sessionClose: @convention(c) (UnsafeMutableRawPointer?) -> Void = { state in
    guard let state else { return }
    Unmanaged<SessionBox>.fromOpaque(state).release()
}

private let onEnding: @convention(c) (UnsafeMutableRawPointer?, UnsafePointer<warden_ending>?) -> Void = { state, ending in
    guard let state, let ending else { return }
    let box = Unmanaged<SessionBox>.fromOpaque(state).takeUnretainedValue()
    box.session.ending(SessionEnding(ending.pointee))
}

private let refuseClient: @convention(c) (
    UnsafeMutableRawPointer?, UInt32, warden_bytes, warden_bytes_sink?, UnsafeMutableRawPointer?
) -> Void = { plugin, reason, message, sink, context in
    guard let plugin, let sink else { return }
    let box = Unmanaged<ProtocolPluginBox>.fromOpaque(plugin).takeUnretainedValue()
    guard let bytes = box.plugin.refusal(ClientRefusal(rawValue: reason), message: message.string) else { return }
    bytes.withUnsafeBufferPointer { buffer in
        sink(context, warden_bytes(data: buffer.baseAddress, length: buffer.count))
    }
}
