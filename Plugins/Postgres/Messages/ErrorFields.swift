/// The fields of an ErrorResponse or NoticeResponse (they share one format:
/// a list of `code byte + cstring`, ended by a zero byte).
struct ErrorFields: Equatable, Sendable {
    /// Severity as sent to clients: ERROR, FATAL, PANIC, WARNING, NOTICE, …
    var severity: String
    /// The SQLSTATE, five characters.
    var code: String
    var message: String
    var detail: String?
    var hint: String?

    init(severity: String, code: String, message: String, detail: String? = nil, hint: String? = nil) {
        self.severity = severity
        self.code = code
        self.message = message
        self.detail = detail
        self.hint = hint
    }

    /// Decodes the body of an 'E' or 'N' message; `nil` if malformed.
    /// Unknown field codes are skipped, as the protocol requires.
    init?(body: ArraySlice<UInt8>) {
        var reader = ByteReader(body)
        var fields: [UInt8: String] = [:]
        while let code = reader.readUInt8(), code != 0 {
            // Be lenient with encodings here: the text is only logged or
            // summarised, never interpreted.
            guard let raw = reader.readCStringBytes() else { return nil }
            fields[code] = String(decoding: raw, as: UTF8.self)
        }
        // 'V' is the non-localized severity (PostgreSQL 9.6+); prefer it.
        self.severity = fields[UInt8(ascii: "V")] ?? fields[UInt8(ascii: "S")] ?? ""
        self.code = fields[UInt8(ascii: "C")] ?? ""
        self.message = fields[UInt8(ascii: "M")] ?? ""
        self.detail = fields[UInt8(ascii: "D")]
        self.hint = fields[UInt8(ascii: "H")]
    }

    /// FATAL and PANIC errors end the server session.
    var endsSession: Bool { severity == "FATAL" || severity == "PANIC" }
}
