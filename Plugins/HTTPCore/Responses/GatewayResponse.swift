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
        let body = """
            {"type":"about:blank","title":\(jsonStringLiteral(title)),"status":\(status),"detail":\(jsonStringLiteral(detail))}
            """
        return json(status: status, contentType: "application/problem+json", body: body, close: close, headers: extra)
    }

    /// A JSON body in Warden's name, never cached; a dialect's own answers
    /// (a Kubernetes `Status`) are written with it too.
    public static func json(
        status: Int, contentType: String, body: String, close: Bool, headers extra: [(String, String)] = []
    ) -> [UInt8] {
        let bytes = Array(body.utf8)
        var headers: [(String, String)] = [
            ("Content-Type", contentType), ("Content-Length", String(bytes.count)), ("Cache-Control", "no-store"),
        ]
        headers += extra
        if close { headers.append(("Connection", "close")) }
        return WireText.responseHead(status: status, reason: WireText.reason(status), headers: headers) + bytes
    }
}
