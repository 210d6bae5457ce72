import NIOCore
import NIOHTTP1
import WardenPluginSDK

/// The upstream's side: response parts in, what the client may see out.
extension HTTPProxySession {
    func upstreamData(_ bytes: UnsafeRawBufferPointer) throws {
        if tunnel != nil {
            try relay(bytes, from: .upstream)
            return
        }
        guard case .forwarding? = exchange?.stage else {
            host.log(.warning, "the upstream sent bytes when no request was waiting for them: closing")
            closing = true
            return
        }
        exchange?.response.started = true
        let parts: [HTTPClientResponsePart]
        do {
            parts = try responses.read(bytes)
        } catch {
            return try upstreamFailed(error.detail)
        }
        for part in parts where !closing && tunnel == nil {
            try responsePart(part)
        }
    }

    /// The upstream closed its connection; the client's stays (ABI 1.5). A
    /// response that ends with the connection ends here, one cut short ends
    /// the client's connection too. Between requests, or while a request
    /// waits for its decision, the request that needs the upstream next
    /// opens a new connection.
    func upstreamClosed(reason: String?) throws {
        if tunnel != nil {
            closeTunnel()
            closing = true
            return
        }
        if let reason { host.log(.warning, "the upstream connection failed: \(reason)") }
        // Closed already: a response that ends here must not ask the host to close it again.
        if upstream == .ready { upstream = .closing }
        if case .forwarding(let actionID)? = exchange?.stage, let current = exchange, mayResend(current) {
            // A keep-alive race: the upstream closed the connection as the
            // request went out, and answered nothing. A request that changes
            // nothing may be sent again (RFC 9110 §9.2.2), once.
            host.log(.info, "the upstream closed a reused connection without answering \(current.head.method.rawValue) \(current.check.target.text): sending it again on a new one")
            exchange?.resent = true
            exchange?.stage = .reconnecting(actionID: actionID)
            return try reconnectLater()
        }
        if case .forwarding? = exchange?.stage {
            let parts: [HTTPClientResponsePart]
            do {
                parts = try responses.readEnd()
            } catch {
                return try upstreamFailed(error.detail)
            }
            for part in parts where !closing { try responsePart(part) }
            if case .forwarding? = exchange?.stage {
                // The response did not end, or the request's body has more to send.
                let why = "the upstream closed the connection before the exchange ended" + (reason == nil ? "" : " after an error")
                return try upstreamFailed(why, answering: why + "; nothing of the response was passed on")
            }
        }
        try reconnectLater()
    }

    /// The next step that needs the upstream opens a new connection.
    private func reconnectLater() throws {
        responses = ResponseReader()
        upstreamRequests = 0
        if upstream == .ready || upstream == .closing { upstream = .notOpened }
        try advance()
    }

    /// Whether a request the upstream closed on may go again: nothing of an
    /// answer came, it changes nothing and has no body, it went over a
    /// connection that had served another request (so the close was the
    /// connection's idle end, not this request's doing), nobody approved it
    /// to run once, and only once.
    private func mayResend(_ current: Exchange) -> Bool {
        !current.response.started && !current.resent && !current.approved && upstreamRequests > 1
            && current.check.framing == .none
            && [.GET, .HEAD, .OPTIONS].contains(current.head.method)
    }

    func responsePart(_ part: HTTPClientResponsePart) throws {
        guard let current = exchange else { return }
        switch part {
        case .head(let head) where head.status == .switchingProtocols:
            guard current.check.upgrade != nil else { return try upstreamFailed("the upstream switched protocols unasked") }
            try switchProtocols(head)
        case .head(let head) where head.status.code < 200:
            // Interim answers (103 Early Hints) stay here: Warden answered any Expect itself.
            break
        case .head(let head):
            try responseHead(head)
        case .body(let buffer):
            try responseBody(buffer)
        case .end:
            try responseEnd()
        }
    }

    private func responseHead(_ head: HTTPResponseHead) throws {
        guard var current = exchange else { return }
        let status = Int(head.status.code)
        let bodiless = current.head.method == .HEAD || status == 204 || status == 304
        let scoped = HeaderName.connectionScoped(in: head.headers)
        var headers: [(String, String)] = []
        var length: String?
        for (name, value) in head.headers {
            let canonical = HeaderName.canonical(name)
            if scoped.contains(canonical) { continue }
            if canonical == "content-length" {
                // Only the header the decoder framed the body by: `Content_Length` frames nothing
                // for any parser, and written as the length it would split the client's stream.
                if name.lowercased() == "content-length" { length = value }
                continue
            }
            headers.append((name, value))
        }
        var filter: (any BodyFilter)?
        if let settings, current.masked(settings) {
            let reading = BodyFilters.reading(head.headers)
            if let masking = current.dialectMasking, !bodiless, status != 101, !reading.isJSON {
                return try upstreamFailed("the upstream answered with a body that is not JSON, and it holds \(masking.what), which Warden masks")
            }
            if let reading {
                // The unmasked body's length and digests would tell what masking hid.
                headers.removeAll { ResponseHeaders.describeTheBody.contains(HeaderName.canonical($0.0)) }
                length = nil
                if !bodiless {
                    do {
                        filter = try BodyFilters.make(
                            reading, headers: head.headers, status: status, settings: settings,
                            dialectMasking: current.dialectMasking, host: host)
                    } catch {
                        return try upstreamFailed(error.description)
                    }
                }
            }
            if settings.masking { headers = try ResponseHeaders.masked(headers, host: host) }
        }
        let clientSpeaks11 = current.head.version.minor >= 1
        let chunked = !bodiless && (filter != nil || length == nil) && clientSpeaks11
        // A body with no length for an HTTP/1.0 client ends when the connection does.
        let endsAtClose = !bodiless && (filter != nil || length == nil) && !clientSpeaks11
        // An upstream that closes its connection does not close the client's:
        // the next request opens a new one.
        let closes = endsAtClose || !current.head.isKeepAlive || current.check.asksUpgrade
        if let length, filter == nil { headers.append(("Content-Length", length)) }
        if chunked { headers.append(("Transfer-Encoding", "chunked")) }
        if closes {
            headers.append(("Connection", "close"))
        } else if !clientSpeaks11 {
            headers.append(("Connection", "keep-alive"))
        }
        current.response.status = status
        current.response.reason = head.status.reasonPhrase
        current.response.chunked = chunked
        current.response.closesConnection = closes
        current.response.upstreamCloses = !head.isKeepAlive
        current.response.filter = filter
        current.capture.responseHead(headers)
        exchange = current
        try host.write(WireText.responseHead(status: status, reason: head.status.reasonPhrase, headers: headers), to: .client)
    }

    private func responseBody(_ buffer: ByteBuffer) throws {
        guard let current = exchange else { return }
        try buffer.withUnsafeReadableBytes { raw in
            if let filter = current.response.filter {
                let out: [UInt8]
                do {
                    out = try filter.feed(raw)
                } catch {
                    return try abortResponse("could not mask the response body: \(error)")
                }
                try out.withUnsafeBytes { try sendResponse($0) }
            } else {
                try sendResponse(raw)
            }
        }
    }

    private func responseEnd() throws {
        guard let current = exchange else { return }
        if let filter = current.response.filter {
            do {
                let out = try filter.finish()
                try out.withUnsafeBytes { try sendResponse($0) }
            } catch {
                return try abortResponse("could not mask the end of the response body: \(error)")
            }
        }
        if current.response.chunked { try host.write(WireText.lastChunk, to: .client) }
        exchange?.response.ended = true
        if current.requestEnded { try finishExchange() }
    }

    private func sendResponse(_ bytes: UnsafeRawBufferPointer) throws {
        guard bytes.count > 0, let current = exchange else { return }
        exchange?.capture.response(bytes)
        exchange?.response.bodyBytesSent += bytes.count
        try writeBody(bytes, chunked: current.response.chunked, to: .client)
    }

    /// The upstream's answer cannot be passed on: a 502 if the client has
    /// not seen a response head yet, else the connection just closes.
    func upstreamFailed(
        _ detail: String, answering answer: String = "the upstream's response was not valid HTTP; nothing of it was passed on"
    ) throws {
        host.log(.warning, "the upstream's response was not usable: \(detail)")
        recordFailure(code: "upstream", detail)
        guard exchange?.response.status == nil else {
            closing = true
            return
        }
        try self.answer(502, answer, close: true)
    }

    /// Masking failed mid-body: nothing more may reach the client, and a
    /// truncated body must look truncated, so the connection closes without
    /// the chunked terminator.
    private func abortResponse(_ detail: String) throws {
        host.log(.error, "\(detail): closing the connection")
        recordFailure(code: "masking", detail)
        closing = true
    }

    /// Records an allowed request whose answer did not reach the client whole.
    private func recordFailure(code: String, _ detail: String) {
        guard case .forwarding(let actionID)? = exchange?.stage else { return }
        exchange?.stage = .answered
        let resent = exchange?.resent == true ? " (sent twice: the upstream closed a reused connection without answering the first)" : ""
        try? host.record(ActionResult(
            actionID: actionID, rows: 0, bytes: UInt64(exchange?.response.bodyBytesSent ?? 0),
            summary: (exchange?.response.status.map { "\($0) cut off" } ?? "no response") + resent, error: (code: code, message: detail)))
    }
}
