import WardenPluginSDK

/// Server errors echo values: `Duplicate entry 'ada@example.com' for key
/// 'email'`, `Incorrect integer value: '4111…' for column …`. On a
/// connection with masking rules the value those errors quote is withheld
/// (which column it came from is not said, so any could be masked), and
/// every message goes through the content detectors; the code, the SQLSTATE
/// and the kind of error remain.
enum ErrorMasking {
    /// Errors whose first quoted text is a value from the data.
    static let echoingValues: Set<UInt16> = [
        1062,  // ER_DUP_ENTRY
        1586,  // ER_DUP_ENTRY_WITH_KEY_NAME
        1264,  // ER_WARN_DATA_OUT_OF_RANGE (some forms quote the value)
        1265,  // WARN_DATA_TRUNCATED
        1292,  // ER_TRUNCATED_WRONG_VALUE
        1366,  // ER_TRUNCATED_WRONG_VALUE_FOR_FIELD
        1367,  // ER_ILLEGAL_VALUE_FOR_TYPE
        1411,  // ER_WRONG_VALUE_FOR_TYPE
        1525,  // ER_WRONG_VALUE
        4025,  // ER_CONSTRAINT_FAILED (MariaDB: names the constraint, some forms quote)
    ]

    static let withheld = "(withheld)"

    /// The error as the client may see it; nil when the masker failed.
    static func masked(_ error: ErrorPacket, masker: any MySQLFieldMasker) -> ErrorPacket? {
        var result = error
        if echoingValues.contains(error.code) { result.message = withholdingFirstQuote(error.message) }
        guard let changed = masker.mask([Field(name: "message", source: "", typeName: "text", value: result.message)]) else {
            return nil
        }
        if let message = changed[0] { result.message = message }
        return result
    }

    /// The message with its first '…' quoted span replaced (a quote inside
    /// a value is doubled or escaped by the server; the span ends at the
    /// last quote before ` for ` where one follows, so such a value cannot
    /// end it early).
    static func withholdingFirstQuote(_ message: String) -> String {
        let characters = Array(message)
        guard let open = characters.firstIndex(of: "'") else { return message }
        let marker = Array("' for ")
        var close: Int?
        for start in stride(from: characters.count - marker.count, to: open, by: -1)
        where Array(characters[start..<start + marker.count]) == marker {
            close = start
            break
        }
        if close == nil, let last = characters.lastIndex(of: "'"), last > open { close = last }
        guard let close else { return message }
        return String(characters[...open]) + withheld + String(characters[close...])
    }
}
