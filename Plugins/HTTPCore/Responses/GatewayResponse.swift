import WardenJSONMask

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
            {"type":"about:blank","title":\(jsonStringLiteral(title)),"status":\(status),"detail":\(jsonStringLiteral(detail))}
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
