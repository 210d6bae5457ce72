import NIOCore
import NIOHTTP1
import WardenPluginSDK

/// One request and its response, from the request's head to the end of both.
struct Exchange {
    enum Stage: Equatable {
        /// The head arrived: its token is checked next.
        case new
        /// The request's token is being checked.
        case signingIn(RequestID)
        /// The upstream connection is being opened (or secured).
        case waitingForUpstream
        /// Reading the first bytes of the body, which the approver sees, before asking the policy.
        case collectingExcerpt
        /// The policy is deciding; `held` once it waits for a human.
        case deciding(RequestID, held: Bool)
        /// Allowed, but the upstream closed its connection meanwhile (an
        /// approval can take longer than an idle keep-alive): a new one is
        /// being opened.
        case reconnecting(actionID: UInt64)
        /// The head went upstream; the body follows as it arrives.
        case forwarding(actionID: UInt64)
        /// Warden answered in its own name; the rest of the request body is dropped.
        case answered
    }

    let head: HTTPRequestHead
    let check: RequestCheck
    var stage: Stage
    /// Body bytes held until the request may go upstream.
    var heldBody: [ByteBuffer] = []
    var heldBytes = 0
    var bodyBytes = 0
    var requestEnded = false
    /// Warden told a client that sent `Expect: 100-continue` to send its body.
    var continueSent = false
    /// Sent again over a new upstream connection, after the one it went over closed unanswered.
    var resent = false
    /// A person approved it: it runs once, even when it could be sent again.
    var approved = false
    /// What the dialect masks in this request's response, decided with its action.
    var dialectMasking: DialectMasking?
    var response = ResponseProgress()
    var capture: ExchangeCapture

    init(head: HTTPRequestHead, check: RequestCheck, captureLimit: Int) {
        self.head = head
        self.check = check
        stage = .new
        capture = ExchangeCapture(limit: captureLimit)
    }

    /// Whether the response is masked: by the connection's rules or the dialect's.
    func masked(_ settings: UpstreamSettings?) -> Bool {
        settings?.masking == true || dialectMasking != nil
    }

    /// The body's length as the client declared it, 0 when unknown.
    var declaredLength: Int {
        if case .length(let length) = check.framing { length } else { 0 }
    }

    /// Whether the policy may decide now: it has the body's first bytes, or
    /// all of a shorter one.
    func readyToDecide(excerptBytes: Int) -> Bool {
        requestEnded || heldBytes >= excerptBytes || check.framing == .none
    }

    /// The body's first bytes, as text, for the approver and the record,
    /// saying how much more there is: what an approver does not see must
    /// not look like the whole body.
    func bodyExcerpt(_ limit: Int) -> String? {
        guard heldBytes > 0 else { return nil }
        var bytes: [UInt8] = []
        for buffer in heldBody where bytes.count < limit {
            bytes += buffer.readableBytesView.prefix(limit - bytes.count)
        }
        let text = String(decoding: bytes, as: UTF8.self)
        if requestEnded, heldBytes <= bytes.count { return text }
        let total = declaredLength > 0 ? "\(declaredLength) bytes" : "a chunked body of unknown length"
        return text + "\n… the first \(bytes.count) bytes of \(total)"
    }
}

/// Where the upstream's answer to the current request stands.
struct ResponseProgress {
    /// The status sent to the client, once its head went out.
    var status: Int?
    var reason = ""
    /// The body goes to the client in chunks (masked, or unframed upstream).
    var chunked = false
    /// The response ends the connection (the client or upstream asked, or its body ends at close).
    var closesConnection = false
    var bodyBytesSent = 0
    /// Whether any byte of the upstream's answer arrived.
    var started = false
    /// The upstream said `Connection: close`: its connection ends with this response.
    var upstreamCloses = false
    var ended = false
    var filter: (any BodyFilter)?
}
