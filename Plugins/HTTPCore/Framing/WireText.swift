import NIOHTTP1

/// Writes HTTP/1.1 heads and chunked framing. Names and values come from
/// the decoder, which refused CR, LF and NUL in them, or from the gateway.
public enum WireText {
    static func requestHead(method: String, target: String, headers: [(String, String)]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        out += method.utf8
        out.append(UInt8(ascii: " "))
        out += target.utf8
        out += " HTTP/1.1\r\n".utf8
        append(headers, to: &out)
        return out
    }

    public static func responseHead(status: Int, reason: String, headers: [(String, String)]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        out += "HTTP/1.1 \(status) \(reason)\r\n".utf8
        append(headers, to: &out)
        return out
    }

    private static func append(_ headers: [(String, String)], to out: inout [UInt8]) {
        for (name, value) in headers {
            out += name.utf8
            out += ": ".utf8
            out += value.utf8
            out += "\r\n".utf8
        }
        out += "\r\n".utf8
    }

    /// A value the gateway writes into a header: control characters (which
    /// could end the line and start another header) become spaces.
    public static func fieldValue(_ value: String) -> String {
        guard value.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else { return value }
        return String(String.UnicodeScalarView(value.unicodeScalars.map {
            $0.value < 0x20 || $0.value == 0x7F ? " " : $0
        }))
    }

    /// One chunk's size line; the data and its CRLF follow.
    static func chunkHeader(_ size: Int) -> [UInt8] {
        Array((String(size, radix: 16) + "\r\n").utf8)
    }

    static let crlf: [UInt8] = [13, 10]
    static let lastChunk: [UInt8] = Array("0\r\n\r\n".utf8)

    public static func reason(_ status: Int) -> String {
        HTTPResponseStatus(statusCode: status).reasonPhrase
    }
}
