/// A request target (`/path?query`) in the one form Warden both checks and
/// forwards, so that the upstream cannot read a different path than the
/// policy saw:
/// - percent-escapes are decoded for matching (`/%61dmin` is `/admin`), and
///   the path is forwarded re-encoded from that decoded form;
/// - dot segments are resolved and empty segments dropped (`/a/../admin`,
///   `//admin` are `/admin`);
/// - what servers disagree on is refused: an escaped `/` or `\` (one server
///   splits on it, another does not), a raw `\`, NUL, a fragment, escapes
///   that are not UTF-8, and any form but origin-form (`/…`).
public struct RequestTarget: Equatable, Sendable {
    /// The decoded, normalized path: what rules match.
    public var path: String
    /// The query as the client sent it, without `?`; nil when there is none.
    public var query: String?

    public init(_ target: String) throws(HTTPInputError) {
        guard target.utf8.first == UInt8(ascii: "/") else {
            throw HTTPInputError("the request target must be a path starting with / (origin-form)")
        }
        let bytes = Array(target.utf8)
        let queryStart = bytes.firstIndex(of: UInt8(ascii: "?"))
        let rawPath = bytes[..<(queryStart ?? bytes.endIndex)]
        if bytes.contains(UInt8(ascii: "#")) { throw HTTPInputError("the request target holds a fragment (#)") }
        let decoded = try Self.decode(rawPath)
        path = Self.normalize(decoded)
        query = queryStart.map { String(decoding: bytes[($0 + 1)...], as: UTF8.self) }
    }

    /// The target to send upstream under `base` (the upstream URL's path,
    /// without a trailing slash).
    public func forwarded(under base: String) -> String {
        var text = base + Self.encode(path)
        if let query { text += "?" + query }
        return text
    }

    /// `/path?query` as the client meant it, for records.
    public var text: String { query.map { "\(path)?\($0)" } ?? path }

    private static func decode(_ raw: ArraySlice<UInt8>) throws(HTTPInputError) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        var index = raw.startIndex
        while index < raw.endIndex {
            let byte = raw[index]
            switch byte {
            case UInt8(ascii: "%"):
                guard index + 2 < raw.endIndex, let high = HexDigit.value(raw[index + 1]), let low = HexDigit.value(raw[index + 2]) else {
                    throw HTTPInputError("the path holds a % that does not start a valid escape")
                }
                let value = high << 4 | low
                switch value {
                case UInt8(ascii: "/"), UInt8(ascii: "\\"):
                    throw HTTPInputError("the path holds an escaped / or \\, which servers read differently")
                case 0:
                    throw HTTPInputError("the path holds an escaped NUL")
                default:
                    out.append(value)
                }
                index += 3
            case UInt8(ascii: "\\"):
                throw HTTPInputError("the path holds a \\, which servers read differently")
            default:
                out.append(byte)
                index += 1
            }
        }
        guard let text = String(validating: out, as: UTF8.self) else {
            throw HTTPInputError("the path's escapes are not valid UTF-8")
        }
        if text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            throw HTTPInputError("the path holds a control character")
        }
        return text
    }

    /// Resolves `.` and `..` and drops empty segments, keeping a trailing
    /// slash (`/users/` and `/users` may be different resources).
    private static func normalize(_ path: String) -> String {
        var segments: [Substring] = []
        let parts = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        for part in parts {
            switch part {
            case "", ".": continue
            case "..": _ = segments.popLast()
            default: segments.append(part)
            }
        }
        let trailing = path.count > 1 && (path.hasSuffix("/") || path.hasSuffix("/.") || path.hasSuffix("/.."))
        return "/" + segments.joined(separator: "/") + (trailing && !segments.isEmpty ? "/" : "")
    }

    /// Percent-encodes every byte but the unreserved ones, sub-delimiters,
    /// `:`, `@` and `/`: RFC 3986's `pchar` plus the separator. `;` is
    /// encoded too: some servers cut a segment at `;` (`/admin;x/` is their
    /// `/admin/`), and an encoded one they keep as it is.
    static func encode(_ path: String) -> String {
        var out = ""
        out.reserveCapacity(path.utf8.count)
        for byte in path.utf8 {
            if isPathByte(byte) {
                out.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                out += "%" + String(byte >> 4, radix: 16, uppercase: true) + String(byte & 0xF, radix: 16, uppercase: true)
            }
        }
        return out
    }

    private static func isPathByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return "-._~!$&'()*+,=:@/".utf8.contains(byte)
        }
    }
}
