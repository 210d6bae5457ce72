/// Responses Warden writes in its own name: refusals and failures, as
/// `application/problem+json` (RFC 9457) so that a program can read the
/// reason as easily as a person.
public enum GatewayResponse {
    /// `close` adds `Connection: close`: the connection ends after it.
    public static func problem(
        status: Int, detail: String, close: Bool, headers extra: [(String, String)] = []
    ) -> [UInt8] {
        let title = WireText.reason(status)
        let body = Array("""
            {"type":"about:blank","title":\(JSONText.quoted(title)),"status":\(status),"detail":\(JSONText.quoted(detail))}
            """.utf8)
        var headers: [(String, String)] = [
            ("Content-Type", "application/problem+json"), ("Content-Length", String(body.count)),
            ("Cache-Control", "no-store"),
        ]
        headers += extra
        if close { headers.append(("Connection", "close")) }
        return WireText.responseHead(status: status, reason: title, headers: headers) + body
    }
}

/// JSON string literals for what the gateway writes itself.
enum JSONText {
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                out += "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count)
                    + String(scalar.value, radix: 16)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
