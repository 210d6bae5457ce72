import Foundation

/// Formats audit events as JSON lines for a SIEM.
///
/// Each line is one object with every stored field:
/// `{"actor":…,"at":"2026-11-25T10:00:00.123Z","detail":{…},"hash":…,"kind":…,"prev_hash":…,"seq":1,"session_id":…|null}`.
/// `detail` is the stored canonical JSON text verbatim, so the SIEM can
/// recompute each hash (see ``AuditHash``); if the stored text is not a JSON
/// object (it was tampered with), it is exported as a string instead.
public enum AuditExport {
    public static func line(_ event: AuditEvent) -> String {
        let detail = event.detail != nil ? event.detailJSON : CanonicalJSON.string(event.detailJSON)
        let members = [
            "\"actor\":\(CanonicalJSON.string(event.actor))",
            "\"at\":\(CanonicalJSON.string(timestamp(milliseconds: event.atMilliseconds)))",
            "\"detail\":\(detail)",
            "\"hash\":\(CanonicalJSON.string(event.hash))",
            "\"kind\":\(CanonicalJSON.string(event.kind))",
            "\"prev_hash\":\(CanonicalJSON.string(event.prevHash))",
            "\"seq\":\(event.seq)",
            "\"session_id\":\(event.sessionID.map(CanonicalJSON.string) ?? "null")",
        ]
        return "{" + members.joined(separator: ",") + "}"
    }

    /// A line with the characters a terminal acts on (C1 controls such as
    /// CSI, U+009B; bidirectional overrides) as JSON `\u` escapes: the same
    /// JSON values, inert on a screen. C0 controls are escaped already.
    public static func escapingTerminalControls(_ line: String) -> String {
        var out = ""
        out.reserveCapacity(line.utf8.count)
        for scalar in line.unicodeScalars {
            switch scalar.value {
            case 0x7F...0x9F, 0x202A...0x202E, 0x2066...0x2069, 0x200E, 0x200F, 0x061C:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default:
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// ISO 8601 in UTC with exactly three fractional digits: the hashed millisecond, no rounding.
    public static func timestamp(milliseconds: Int64) -> String {
        let (seconds, fraction) = milliseconds.quotientAndRemainder(dividingBy: 1000)
        let whole = seconds - (fraction < 0 ? 1 : 0)
        let millis = fraction < 0 ? fraction + 1000 : fraction
        let text = Date(timeIntervalSince1970: Double(whole)).formatted(.iso8601)  // yyyy-MM-ddTHH:mm:ssZ
        let digits = String(millis)
        return String(text.dropLast()) + "." + String(repeating: "0", count: 3 - digits.count) + digits + "Z"
    }
}
