import NIOCore
import NIOWebSocket
import WardenHTTPCore
import WardenPluginSDK

/// Records an exec, attach or port-forward stream from its channel frames,
/// over SPDY/3.1 (kubectl before 1.30, and every kubectl's fallback) or
/// WebSocket (`channel.k8s.io`, `v4`/`v5`, binary or base64): for exec and
/// attach each chunk of stdin, stdout and stderr with its time, the
/// terminal's resizes and the command's final status; for port-forward,
/// which carries any protocol, how many bytes each port moved.
///
/// The record is a table `at` (seconds since the stream opened), `stream`
/// (`stdin`, `stdout`, `stderr`, `resize`, `error`, or `port 80`) and
/// `data`, kept within the session's capture limit; `warden replay` plays
/// it back, and writes it as asciicast.
public struct ExecStreamRecorder: UpgradedStream {
    public static let columns = ["at", "stream", "data"]

    private let recordsData: Bool
    private let base64: Bool
    private let ports: [String]
    private let captureLimit: Int
    private let started = ContinuousClock.now
    private var rows: [[String?]] = []
    private var captured = 0
    private var truncated = false
    private var bytesByStream: [String: Int] = [:]
    /// The command's exit code, from the Status the error channel brought.
    private var exitStatus: Int?
    /// Exactly one of these reads the frames; neither once they stop making
    /// sense (the rest passes unrecorded).
    private let spdy: SPDYStreams?
    private let webSocket: [Side: WebSocketFrameReader]?
    private var unreadable = false

    /// `webSocket`: the connection switched to WebSocket, else to SPDY;
    /// `base64`: its subprotocol is one of the base64 ones, whose messages
    /// carry the channel's digit and base64 (the server reads them so
    /// whatever a frame's type). `recordsData`: exec and attach (a terminal)
    /// rather than port-forward, whose WebSocket channels stand for `ports`
    /// (the request's `ports`), two each.
    public init(webSocket: Bool, base64: Bool = false, recordsData: Bool, ports: [String] = [], captureLimit: Int) {
        self.base64 = base64
        self.recordsData = recordsData
        self.ports = ports
        self.captureLimit = captureLimit
        spdy = webSocket ? nil : SPDYStreams()
        self.webSocket = webSocket ? [.client: WebSocketFrameReader(), .upstream: WebSocketFrameReader()] : nil
    }

    public mutating func observe(_ bytes: UnsafeRawBufferPointer, from side: Side) -> Bool {
        guard !unreadable else { return true }
        if let spdy {
            let (data, malformed) = spdy.data(bytes, from: side)
            for (stream, payload) in data { note(stream, payload) }
            if malformed { return stopReading(side) }
        } else if let reader = webSocket?[side] {
            let frames: [WebSocketFrame]
            do {
                frames = try reader.read(bytes)
            } catch {
                return stopReading(side)
            }
            for frame in frames {
                // RFC 6455 §5.1: every frame a client sends is masked; §5.2: a
                // reserved opcode fails the connection (a server library that
                // passed it on would run what the record never shows).
                if side == .client, frame.maskKey == nil || Self.isReserved(frame.opcode) { return false }
                noteChannel(frame)
            }
        }
        return true
    }

    /// What `side` sent is not the protocol: the record ends there, and the
    /// client's bytes go nowhere (the connection closes).
    private mutating func stopReading(_ side: Side) -> Bool {
        unreadable = true
        truncated = true
        return side != .client
    }

    public func finish() -> StreamRecord {
        guard recordsData else {
            let rows: [[String?]] = bytesByStream.sorted { $0.key < $1.key }.map { [nil, $0.key, "\($0.value) bytes"] }
            let total = bytesByStream.values.reduce(0, +)
            return StreamRecord(
                rows: UInt64(rows.count), table: ResultTable(columns: Self.columns, rows: rows, truncated: truncated),
                summary: "\(total) bytes forwarded")
        }
        return StreamRecord(
            rows: UInt64(rows.count), table: ResultTable(columns: Self.columns, rows: rows, truncated: truncated),
            summary: exitStatus.map { "exit code \($0)" })
    }

    public func closing(reason: String) -> [UInt8]? { nil }

    private static func isReserved(_ opcode: WebSocketOpcode) -> Bool {
        ![.continuation, .text, .binary, .connectionClose, .ping, .pong].contains(opcode)
    }

    /// `channel.k8s.io`: the first byte of a message names the channel,
    /// whether the message is binary or text (the Python client sends stdin
    /// as text); in the base64 protocols the first byte is the channel's
    /// digit and the rest base64. The subprotocol decides, as it does for
    /// the server.
    private mutating func noteChannel(_ frame: WebSocketFrame) {
        guard frame.opcode == .binary || frame.opcode == .text || frame.opcode == .continuation else { return }
        var data = frame.unmaskedData
        guard let first = data.readInteger(as: UInt8.self) else { return }
        let channel: UInt8, payload: [UInt8]
        if base64 {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first) else { return }
            channel = first - UInt8(ascii: "0")
            // What Go's decoder refuses reaches nobody: it is not recorded either.
            guard let decoded = Base64.decode(data.readBytes(length: data.readableBytes) ?? []) else { return }
            payload = decoded
        } else {
            channel = first
            payload = data.readBytes(length: data.readableBytes) ?? []
        }
        guard !payload.isEmpty else { return }
        note(recordsData ? Self.channelName(channel) : portChannelName(channel), payload)
    }

    private mutating func note(_ stream: String, _ payload: [UInt8]) {
        bytesByStream[stream, default: 0] += payload.count
        guard recordsData else { return }
        if stream == "error" { exitStatus = Self.exitCode(String(decoding: payload, as: UTF8.self)) }
        // The record is what came first, whole: once a chunk overflows the
        // capture limit, its start is kept and nothing after it (a padded
        // command must not drop out while later ones stay).
        guard !truncated else { return }
        var payload = payload
        if captured + payload.count > captureLimit {
            payload = Array(payload.prefix(max(captureLimit - captured, 0)))
            truncated = true
            guard !payload.isEmpty else { return }
        }
        captured += payload.count
        let elapsed = ContinuousClock.now - started
        let at = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        var data = String(decoding: payload, as: UTF8.self)
        if stream == "resize", let size = Self.terminalSize(data) { data = size }
        rows.append([String(format: "%.3f", at), stream, data])
    }

    /// channel.k8s.io's channels: 0 stdin, 1 stdout, 2 stderr, 3 error, 4 resize (v5 adds 255, close).
    private static func channelName(_ channel: UInt8) -> String {
        switch channel {
        case 0: "stdin"
        case 1: "stdout"
        case 2: "stderr"
        case 3: "error"
        case 4: "resize"
        case 255: "close"
        default: "channel \(channel)"
        }
    }

    /// The exit code a `Status` on the error channel reports: 0 for
    /// Success, the `ExitCode` cause's number for NonZeroExitCode.
    static func exitCode(_ status: String) -> Int? {
        if status.contains("\"status\":\"Success\"") { return 0 }
        guard let cause = status.range(of: "\"reason\":\"ExitCode\",\"message\":\"") else { return nil }
        return Int(status[cause.upperBound...].prefix { $0.isNumber })
    }

    /// Port-forward over WebSocket: channel 2i carries the data of the i-th
    /// requested port (both ways), 2i + 1 its errors.
    private func portChannelName(_ channel: UInt8) -> String {
        let index = Int(channel) / 2
        let port = index < ports.count ? ports[index] : "#\(index + 1)"
        return channel % 2 == 0 ? "port \(port)" : "port \(port) error"
    }

    /// `{"Width":80,"Height":24}` → `80x24`.
    private static func terminalSize(_ json: String) -> String? {
        func number(_ key: String) -> Int? {
            guard let range = json.range(of: "\"\(key)\":") else { return nil }
            return Int(json[range.upperBound...].prefix { $0.isNumber })
        }
        guard let width = number("Width"), let height = number("Height") else { return nil }
        return "\(width)x\(height)"
    }
}

/// Standard base64 as Go's `base64.StdEncoding.DecodeString` reads it,
/// for channel.k8s.io's base64 protocols: line breaks are skipped, groups
/// of four, padding only at the end; anything else is refused (nil).
enum Base64 {
    static func decode(_ bytes: [UInt8]) -> [UInt8]? {
        let text = bytes.filter { $0 != 13 && $0 != 10 }
        guard text.count % 4 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(text.count / 4 * 3)
        var index = 0
        while index < text.count {
            let group = text[index..<(index + 4)]
            let isLast = index + 4 == text.count
            let padding = group.reversed().prefix { $0 == UInt8(ascii: "=") }.count
            guard padding <= 2, padding == 0 || isLast else { return nil }
            var accumulator: UInt32 = 0
            for byte in group.prefix(4 - padding) {
                guard let value = value(byte) else { return nil }
                accumulator = accumulator << 6 | UInt32(value)
            }
            accumulator <<= UInt32(6 * padding)
            let decoded = [UInt8(accumulator >> 16 & 0xFF), UInt8(accumulator >> 8 & 0xFF), UInt8(accumulator & 0xFF)]
            out += decoded.prefix(3 - padding)
            index += 4
        }
        return out
    }

    private static func value(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): byte - UInt8(ascii: "A")
        case UInt8(ascii: "a")...UInt8(ascii: "z"): byte - UInt8(ascii: "a") + 26
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0") + 52
        case UInt8(ascii: "+"): 62
        case UInt8(ascii: "/"): 63
        default: nil
        }
    }
}
