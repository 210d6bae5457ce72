import Foundation

/// Parses the `--since` of `warden audit export`: an ISO 8601 time such as
/// `2026-11-25T10:00:00Z` (fractional seconds allowed), or a duration back
/// from now such as `1h` or `90m` (see ``DurationText``).
public enum AuditSince {
    public static func parse(_ text: String, now: Date = Date()) -> Date? {
        if let date = try? Date(text, strategy: .iso8601) {
            return date
        }
        if let date = try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)) {
            return date
        }
        if let duration = DurationText.parse(text) {
            return now.addingTimeInterval(-Double(duration.components.seconds))
        }
        return nil
    }
}
