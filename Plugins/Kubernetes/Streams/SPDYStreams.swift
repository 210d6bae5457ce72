import WardenPluginSDK

/// Both directions of a SPDY/3.1 session as an exec, attach or port-forward
/// uses it: each direction's framing and header compression, and the name
/// each stream's SYN_STREAM gave it, so that data frames say whose they are.
/// A class: its readers hold the bytes of unfinished frames, and change in
/// place as bytes pass.
final class SPDYStreams {
    private var readers: [Side: SPDYFrameReader] = [.client: SPDYFrameReader(), .upstream: SPDYFrameReader()]
    private let inflaters: [Side: SPDYHeaderInflater] = [.client: SPDYHeaderInflater(), .upstream: SPDYHeaderInflater()]
    private var names: [UInt32: String] = [:]
    /// Streams either side opened; data for another one is not SPDY.
    private var opened: Set<UInt32> = []

    /// The data frames `bytes` complete, each with its stream's name
    /// (`stdin`, `port 80`, or `stream 7` for one never named), and whether
    /// the bytes stopped being SPDY/3 as exec and port-forward speak it
    /// (the data before that point is returned all the same).
    func data(_ bytes: UnsafeRawBufferPointer, from side: Side) -> (data: [(stream: String, payload: [UInt8])], malformed: Bool) {
        var data: [(stream: String, payload: [UInt8])] = []
        let frames: [SPDYFrameReader.Frame]
        do {
            frames = try readers[side]!.read(bytes, opened: &opened)
        } catch {
            return ([], true)
        }
        for frame in frames {
            switch frame {
            case .control(type: 1, _, let payload) where payload.count >= 10:
                // SYN_STREAM: stream id, associated id, priority and slot, then the headers.
                let id = SPDYFrameReader.uint32(payload, at: 0) & 0x7FFF_FFFF
                guard let headers = try? inflaters[side]!.headers(Array(payload[10...])) else { return (data, true) }
                // A second SYN_STREAM on an open stream is refused by the server: the first names it.
                if names[id] == nil { names[id] = Self.name(headers) }
            case .control(type: 2, _, let payload) where payload.count >= 4, .control(type: 8, _, let payload) where payload.count >= 4:
                // SYN_REPLY, HEADERS: their blocks advance the direction's zlib stream.
                _ = try? inflaters[side]!.headers(Array(payload[4...]))
            case .data(let id, _, let payload) where !payload.isEmpty:
                data.append((names[id] ?? "stream \(id)", payload))
            default:
                break
            }
        }
        return (data, false)
    }

    /// The `streamtype` header of a SPDY stream (and its `port`, for
    /// port-forward), as the server reads it: a value holds several split
    /// at NUL, and the first counts.
    private static func name(_ headers: [(name: String, value: String)]) -> String {
        func first(_ name: String) -> String? {
            headers.first { $0.name.lowercased() == name }.map { String($0.value.prefix { $0 != "\0" }) }
        }
        let type = first("streamtype") ?? "unknown"
        if let port = first("port") {
            return type == "data" ? "port \(port)" : "port \(port) \(type)"
        }
        return type
    }
}
