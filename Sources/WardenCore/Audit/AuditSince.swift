import Foundation

/// Parses the `--since` of `warden audit export` and the `since` of
/// `GET /v1/audit`: an ISO 8601 time such as `2026-11-25T10:00:00Z`
/// (fractional seconds allowed) from 1970 to the year 9999, or a duration
/// back from now such as `1h` or `90m`, at most ``DurationText/maximum``
/// (see ``DurationText``). Anything else, however far out, is nil: a caller
/// answers it with a clear refusal, never a trap in date arithmetic.
public enum AuditSince {
    /// The earliest and latest times accepted: no event is older than 1970,
    /// and later than 9999 is no time a person means.
    static let range = Date(timeIntervalSince1970: 0)...Date(timeIntervalSince1970: 253_402_300_799)

    /// What a refusal says is expected.
    public static let expected =
        "a time from 1970-01-01T00:00:00Z to 9999-12-31T23:59:59Z such as 2026-11-25T10:00:00Z, or a duration back from now such as 1h, \(DurationText.rangeDescription)"

    public static func parse(_ text: String, now: Date = Date()) -> Date? {
        if let duration = DurationText.parse(text) {
            return now.addingTimeInterval(-Double(duration.components.seconds))
        }
        // Only the shape of a time reaches the date parser, which is lenient
        // (it took `2026-11-25T10:00:00Z` followed by a NUL as that time).
        guard isTimeShaped(text) else { return nil }
        let date = (try? Date(text, strategy: .iso8601))
            ?? (try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)))
        guard let date, range.contains(date) else { return nil }
        return date
    }

    /// `YYYY-MM-DDTHH:MM:SS`, optional `.` and 1 to 9 digits, then `Z` or
    /// `+HH:MM` / `-HH:MM`; nothing before or after.
    static func isTimeShaped(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        func digits(_ range: Range<Int>) -> Bool {
            range.upperBound <= bytes.count && bytes[range].allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
        }
        func byte(_ index: Int, _ character: Unicode.Scalar) -> Bool {
            index < bytes.count && bytes[index] == UInt8(ascii: character)
        }
        guard digits(0..<4), byte(4, "-"), digits(5..<7), byte(7, "-"), digits(8..<10), byte(10, "T"),
              digits(11..<13), byte(13, ":"), digits(14..<16), byte(16, ":"), digits(17..<19)
        else { return false }
        var index = 19
        if byte(index, ".") {
            let start = index + 1
            index = start
            while index < bytes.count, index - start < 10, digits(index..<index + 1) { index += 1 }
            guard (1...9).contains(index - start) else { return false }
        }
        if byte(index, "Z") { return index + 1 == bytes.count }
        guard byte(index, "+") || byte(index, "-") else { return false }
        return digits(index + 1..<index + 3) && byte(index + 3, ":") && digits(index + 4..<index + 6) && index + 6 == bytes.count
    }
}
