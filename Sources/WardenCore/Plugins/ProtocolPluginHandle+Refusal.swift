import CWardenPlugin

/// Why the host turns a client away before any session exists (ABI 1.3).
enum ClientRefusal: UInt32 {
    case tooManyConnections = 1  // WARDEN_REFUSAL_TOO_MANY_CONNECTIONS
}

extension ProtocolPluginHandle {
    /// What the plugin wants a refused client to read first, in its protocol;
    /// nil when the plugin has no `refuse_client` hook (before ABI 1.3) or
    /// offers nothing. At most 64 KiB of it is kept.
    func refusal(_ reason: ClientRefusal, message: String) -> [UInt8]? {
        guard let refuse = hooks.pointee.refuse_client else { return nil }
        final class Sink {
            var bytes: [UInt8]?
        }
        let sink = Sink()
        var text = message
        text.withUTF8 { utf8 in
            refuse(plugin, reason.rawValue, warden_bytes(data: utf8.baseAddress, length: utf8.count), { context, bytes in
                guard let context else { return }
                let sink = Unmanaged<Sink>.fromOpaque(context).takeUnretainedValue()
                guard sink.bytes == nil, let data = bytes.data else { return }
                sink.bytes = Array(UnsafeBufferPointer(start: data, count: min(bytes.length, 65_536)))
            }, Unmanaged.passUnretained(sink).toOpaque())
        }
        return withExtendedLifetime(sink) { sink.bytes }
    }
}
