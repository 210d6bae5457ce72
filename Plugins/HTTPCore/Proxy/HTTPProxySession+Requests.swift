import NIOCore
import NIOHTTP1
import WardenPluginSDK

/// The client's side: request parts in, the allowed ones out to the upstream.
extension HTTPProxySession {
    func clientData(_ bytes: UnsafeRawBufferPointer) throws {
        if tunnel != nil {
            try relay(bytes, from: .client)
            return
        }
        let parts: [HTTPServerRequestPart]
        do {
            parts = try requests.read(bytes)
        } catch {
            return try refuseInput(error)
        }
        for part in parts where !closing {
            try accept(part)
        }
    }

    /// Malformed input: the client gets the status and the connection closes
    /// at once, since its framing can no longer be trusted. Nothing of the
    /// request has gone upstream unless it was already allowed and
    /// streaming; then the upstream connection closes too, mid-request.
    func refuseInput(_ error: HTTPInputError, head: HTTPRequestHead? = nil) throws {
        host.log(.warning, "refused malformed HTTP input: \(error.detail)")
        let token = head.flatMap { try? RequestCheck.credential(in: $0, tokenSources: tokenSources).token }
        recordRefusal(error.detail, sentWith: token, of: dialect.unclassified("(a malformed request)"))
        if isForwarding, exchange?.requestEnded == true {
            // The allowed request before them is whole and its answer is on
            // its way: the client gets that answer first, then the refusal.
            deferredRefusal = error
            try pauseClient(true)
            return
        }
        if !isForwarding, exchange?.response.status == nil {
            exchange = nil
            try host.write(dialect.answer(status: error.status, detail: error.detail, close: true, headers: []), to: .client)
        }
        closing = true
    }

    private var isForwarding: Bool {
        if case .forwarding? = exchange?.stage { true } else { false }
    }

    private func accept(_ part: HTTPServerRequestPart) throws {
        guard let current = exchange else {
            guard case .head(let head) = part else { return }
            return try begin(head)
        }
        guard !current.requestEnded else {
            queue(part)
            return
        }
        switch part {
        case .head:
            // The decoder never starts a request before the last one ended.
            closing = true
        case .body(let buffer):
            try body(buffer)
        case .end:
            exchange?.requestEnded = true
            switch current.stage {
            case .forwarding:
                if current.check.framing == .chunked { try host.write(WireText.lastChunk, to: .upstream) }
                if current.response.ended { try finishExchange() }
            case .answered:
                try finishExchange()
            default:
                try advance()
            }
        }
    }

    private func begin(_ head: HTTPRequestHead) throws {
        let check: RequestCheck
        do {
            check = try RequestCheck(head, tokenSources: tokenSources, upgrades: dialect.upgradeProtocols)
        } catch {
            return try refuseInput(error, head: head)
        }
        // A connection serves the host it first signed in for: a request for
        // another one would reach this connection's upstream under its policy.
        let hostName = Self.hostName(check.host)
        if let boundHost, hostName != boundHost {
            exchange = Exchange(head: head, check: check, captureLimit: 0)
            recordRefusal("this connection serves \(boundHost), not \(hostName)", sentWith: check.token)
            return try answer(421, "this connection serves \(boundHost); open a new one for \(hostName)", close: true)
        }
        exchange = Exchange(head: head, check: check, captureLimit: info.resultCaptureLimit)
        try advance()
    }

    private func body(_ buffer: ByteBuffer) throws {
        guard var current = exchange else { return }
        current.bodyBytes += buffer.readableBytes
        if let settings, current.bodyBytes > settings.maxBodyBytes {
            exchange = current
            if case .forwarding = current.stage {
                host.log(.warning, "the request body grew past \(settings.maxBodyBytes) bytes while streaming: closing")
                closing = true
                return
            }
            return try refuseTooLarge(settings)
        }
        switch current.stage {
        case .forwarding:
            exchange = current
            try sendBody(buffer)
        case .answered:
            exchange = current
        default:
            current.heldBody.append(buffer)
            current.heldBytes += buffer.readableBytes
            exchange = current
            if current.heldBytes > options.maxHeldBytes { try pauseClient(true) }
            if current.stage == .collectingExcerpt { try advance() }
        }
    }

    private func queue(_ part: HTTPServerRequestPart) {
        queued.append(part)
        switch part {
        case .head(let head):
            // Many small pipelined requests weigh as much as one large body.
            queuedBytes += head.uri.utf8.count + head.headers.reduce(64) { $0 + $1.name.utf8.count + $1.value.utf8.count }
        case .body(let buffer):
            queuedBytes += buffer.readableBytes
        case .end:
            break
        }
        if queuedBytes > options.maxHeldBytes { try? pauseClient(true) }
    }

    /// The policy allowed the current request: its head and what was held
    /// of its body go upstream now, the rest as it arrives.
    func forward(actionID: UInt64) throws {
        guard var current = exchange, let settings, let identity else { return }
        current.stage = .forwarding(actionID: actionID)
        let held = current.heldBody
        current.heldBody = []
        current.heldBytes = 0
        exchange = current
        responses.expect(current.head)
        upstreamRequests += 1
        let head = ForwardedRequest.head(
            current.head, target: current.check.target, framing: current.check.framing, upgrade: current.check.upgrade,
            client: .init(subject: identity.subject, groups: identity.groups, address: Self.address(info.clientAddress),
                          usedTLS: info.clientTLSAvailable || info.clientTLSActive),
            upstream: settings, masked: current.masked(settings), onlyJSON: current.dialectMasking != nil,
            tokenSources: tokenSources, dialect: dialect)
        exchange?.capture.requestHead(current.head.headers.map { ($0.name, $0.value) })
        try host.write(head, to: .upstream)
        for buffer in held { try sendBody(buffer) }
        if current.requestEnded, current.check.framing == .chunked { try host.write(WireText.lastChunk, to: .upstream) }
        // What was held went out; requests pipelined behind this one still count.
        if queuedBytes <= options.maxHeldBytes { try pauseClient(false) }
    }

    /// 413: the body is over the connection's `max_body_bytes`, and nothing of it went upstream.
    func refuseTooLarge(_ settings: UpstreamSettings) throws {
        recordRefusal(
            "the request body is larger than max_body_bytes (\(settings.maxBodyBytes) bytes)", sentWith: exchange?.check.token)
        try answer(413, "the request body is larger than this connection accepts (\(settings.maxBodyBytes) bytes)", close: true)
    }

    private func sendBody(_ buffer: ByteBuffer) throws {
        guard buffer.readableBytes > 0, let current = exchange else { return }
        try buffer.withUnsafeReadableBytes { raw in
            // A body that writes what the dialect masks would put it in the record.
            if current.dialectMasking == nil { exchange?.capture.request(raw) }
            try writeBody(raw, chunked: current.check.framing == .chunked, to: .upstream)
        }
    }

    /// Body bytes to one side, as one chunk when the body is chunked there.
    func writeBody(_ bytes: UnsafeRawBufferPointer, chunked: Bool, to side: Side) throws {
        if chunked { try host.write(WireText.chunkHeader(bytes.count), to: side) }
        try host.write(bytes, to: side)
        if chunked { try host.write(WireText.crlf, to: side) }
    }

    func pauseClient(_ pause: Bool) throws {
        guard pause != clientPaused else { return }
        clientPaused = pause
        if pause { try host.pause(.client) } else { try host.resume(.client) }
    }

    /// The exchange is over on both sides: it is recorded, and the next
    /// pipelined request, if any, starts.
    func finishExchange() throws {
        guard let current = exchange else { return }
        exchange = nil
        if case .forwarding(let actionID) = current.stage {
            try host.record(ActionResult(
                actionID: actionID, rows: 0, bytes: UInt64(current.response.bodyBytesSent),
                summary: (current.response.status.map { "\($0) \(current.response.reason)" } ?? "no response")
                    + (current.resent ? " (sent twice: the upstream closed a reused connection without answering the first)" : ""),
                table: current.capture.table(status: current.response.status, reason: current.response.reason)))
        }
        if current.response.closesConnection {
            closing = true
            return
        }
        if let refusal = deferredRefusal {
            try host.write(dialect.answer(status: refusal.status, detail: refusal.detail, close: true, headers: []), to: .client)
            closing = true
            return
        }
        if current.response.upstreamCloses, upstream == .ready {
            do {
                try host.closeUpstream()
                upstream = .closing
            } catch {
                // A host without ABI 1.5: the client's connection ends with the upstream's.
                closing = true
                return
            }
        }
        let next = queued
        queued = []
        queuedBytes = 0
        try pauseClient(false)
        for part in next where !closing { try accept(part) }
    }

    /// `ip:port` as the host gives it, without the port.
    static func address(_ clientAddress: String) -> String {
        guard let colon = clientAddress.lastIndex(of: ":") else { return clientAddress }
        return String(clientAddress[..<colon])
    }
}
