/// Encoders for the backend messages the gateway itself sends to clients.
///
/// Relayed upstream messages are forwarded as received; these are only for
/// what Warden says in its own name (errors, the startup handshake, denials).
enum BackendMessages {
    enum Severity: String, Sendable {
        case error = "ERROR"
        case fatal = "FATAL"
        case notice = "NOTICE"
        case warning = "WARNING"
    }

    static func errorResponse(_ severity: Severity, code: String, message: String,
                              detail: String? = nil, hint: String? = nil) -> [UInt8] {
        fields(BackendMessageType.errorResponse, severity, code: code, message: message, detail: detail, hint: hint)
    }

    static func noticeResponse(_ severity: Severity = .notice, code: String = "00000", message: String,
                               detail: String? = nil, hint: String? = nil) -> [UInt8] {
        fields(BackendMessageType.noticeResponse, severity, code: code, message: message, detail: detail, hint: hint)
    }

    private static func fields(_ type: UInt8, _ severity: Severity, code: String, message: String,
                               detail: String?, hint: String?) -> [UInt8] {
        MessageWriter.message(type) { out in
            // 'S' is the localized severity, 'V' the fixed one; Warden does not localize.
            out.append(UInt8(ascii: "S")); out.appendCString(severity.rawValue)
            out.append(UInt8(ascii: "V")); out.appendCString(severity.rawValue)
            out.append(UInt8(ascii: "C")); out.appendCString(code)
            out.append(UInt8(ascii: "M")); out.appendCString(message)
            if let detail { out.append(UInt8(ascii: "D")); out.appendCString(detail) }
            if let hint { out.append(UInt8(ascii: "H")); out.appendCString(hint) }
            out.append(0)
        }
    }

    static func authenticationOk() -> [UInt8] { authentication(0) }
    static func authenticationCleartextPassword() -> [UInt8] { authentication(3) }

    static func authenticationMD5Password(salt: [UInt8]) -> [UInt8] {
        authentication(5) { $0.append(contentsOf: salt.prefix(4)) }
    }

    static func authenticationSASL(mechanisms: [String]) -> [UInt8] {
        authentication(10) { out in
            for mechanism in mechanisms { out.appendCString(mechanism) }
            out.append(0)
        }
    }

    static func authenticationSASLContinue(_ data: [UInt8]) -> [UInt8] {
        authentication(11) { $0.append(contentsOf: data) }
    }

    static func authenticationSASLFinal(_ data: [UInt8]) -> [UInt8] {
        authentication(12) { $0.append(contentsOf: data) }
    }

    private static func authentication(_ code: Int32, _ rest: (inout [UInt8]) -> Void = { _ in }) -> [UInt8] {
        MessageWriter.message(BackendMessageType.authentication) { out in
            out.appendInt32(code)
            rest(&out)
        }
    }

    static func readyForQuery(_ status: TransactionStatus) -> [UInt8] {
        MessageWriter.message(BackendMessageType.readyForQuery) { $0.append(status.rawValue) }
    }

    static func backendKeyData(_ key: BackendKey) -> [UInt8] {
        MessageWriter.message(BackendMessageType.backendKeyData) { out in
            out.appendInt32(key.processID)
            out.appendInt32(key.secretKey)
        }
    }

    static func parameterStatus(name: String, value: String) -> [UInt8] {
        MessageWriter.message(BackendMessageType.parameterStatus) { out in
            out.appendCString(name)
            out.appendCString(value)
        }
    }

    /// Tells a client asking for protocol 3.x (x > 0) or `_pq_.` options that
    /// Warden speaks 3.0 and none of those options.
    static func negotiateProtocolVersion(newestMinor: Int32, unsupportedOptions: [String]) -> [UInt8] {
        MessageWriter.message(BackendMessageType.negotiateProtocolVersion) { out in
            out.appendInt32(newestMinor)
            out.appendInt32(Int32(clamping: unsupportedOptions.count))
            for option in unsupportedOptions { out.appendCString(option) }
        }
    }
}
