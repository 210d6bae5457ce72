import NIOHTTP1
import WardenPluginSDK

extension HTTPProxySession {
    /// The upstream agreed to switch protocols: its 101 reaches the client,
    /// and from here on both sides' bytes pass through, watched by the
    /// dialect's ``UpgradedStream``. Only the protocol the client asked for
    /// counts, and for a WebSocket only a real handshake (RFC 6455 §4.2.2:
    /// the accept value computed from the client's key): any other 101
    /// would open a raw channel to the upstream.
    func switchProtocols(_ head: HTTPResponseHead) throws {
        guard case .forwarding(let actionID)? = exchange?.stage, let request = exchange?.head,
              let asked = exchange?.check.upgrade else { return }
        let answered = head.headers.first(name: "upgrade") ?? ""
        if asked.lowercased() == "websocket" {
            guard answered.lowercased() == "websocket", let key = request.headers.first(name: "sec-websocket-key"),
                  head.headers["sec-websocket-accept"] == [WebSocketMessages.accept(key: key)] else {
                return try upstreamFailed("the upstream answered 101 without completing a WebSocket handshake")
            }
        } else if answered.lowercased() != asked.lowercased() {
            return try upstreamFailed("the upstream switched to another protocol than the client asked for")
        }
        var headers: [(String, String)] = []
        let scoped = HeaderName.connectionScoped(in: head.headers)
        for (name, value) in head.headers {
            let canonical = HeaderName.canonical(name)
            if !scoped.contains(canonical), canonical != "content-length" { headers.append((name, value)) }
        }
        headers.append(("Connection", "Upgrade"))
        headers.append(("Upgrade", answered))
        exchange?.response.status = 101
        exchange?.response.reason = head.status.reasonPhrase
        exchange?.capture.responseHead(headers)
        try host.write(WireText.responseHead(status: 101, reason: head.status.reasonPhrase, headers: headers), to: .client)
        tunnel = Tunnel(actionID: actionID, stream: dialect.upgradedStream(
            asked, request: request, response: head, captureLimit: info.resultCaptureLimit))
        host.log(.info, "switched to \(answered)")
        if let rest = responses.takeRemainder() {
            try rest.withUnsafeReadableBytes { try relay($0, from: .upstream) }
        }
        if let rest = requests.takeRemainder() {
            try rest.withUnsafeReadableBytes { try relay($0, from: .client) }
        }
    }

    func relay(_ bytes: UnsafeRawBufferPointer, from side: Side) throws {
        guard tunnel?.stream.observe(bytes, from: side) != false else {
            host.log(.warning, "the client sent bytes its switched protocol does not allow: closing the connection")
            closeTunnel()
            closing = true
            return
        }
        try host.write(bytes, to: side == .client ? .upstream : .client)
    }

    /// The switched connection ended: its record holds what was seen.
    func closeTunnel() {
        guard let tunnel else { return }
        self.tunnel = nil
        let record = tunnel.stream.finish()
        try? host.record(ActionResult(
            actionID: tunnel.actionID, rows: record.rows, summary: record.summary ?? "101 Switching Protocols", table: record.table))
    }
}
