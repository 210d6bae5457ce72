import Foundation

/// Renders pending approvals and decisions for the terminal.
public enum ApprovalFormatting {
    /// The longest statement text shown in a table; the rest is `…`.
    static let textWidth = 48

    private static let time: DateFormatter = {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss'Z'"
        return formatter
    }()

    public static func table(_ approvals: [ApprovalRequest]) -> String {
        guard !approvals.isEmpty else { return "no pending approvals" }
        let header = ["ID", "REQUESTED", "REQUESTER", "CONNECTION", "RISK", "CLASS", "TEXT", "REASON"]
        let rows = approvals.map { approval in
            [approval.id, time.string(from: approval.requestedAt), approval.requester, approval.connection,
             approval.risk, approval.className, shortened(approval.text), oneLine(approval.reason)]
        }
        return columns([header] + rows)
    }

    /// One line saying what was decided.
    public static func decision(_ result: AdminDecisionResult) -> String {
        let approval = result.approval
        let what = "\(approval.id) (\(approval.requester) on \(approval.connection): \(shortened(approval.text)))"
        switch result.outcome {
        case "approved":
            let grant = result.grantForSeconds.map {
                "; \(approval.requester) may run the same kind of statement for \(DurationText.format(.seconds($0))) without asking"
            } ?? ""
            return "approved \(what)\(grant)"
        default:
            return "\(result.outcome) \(what)" + (result.reason.map { ": \($0)" } ?? "")
        }
    }

    /// Whitespace runs become one space; past ``textWidth`` characters, `…`.
    static func shortened(_ text: String, width: Int = textWidth) -> String {
        let line = oneLine(text)
        return line.count > width ? String(line.prefix(width - 1)) + "…" : line
    }

    private static func oneLine(_ text: String) -> String {
        TerminalText.safe(text.split(whereSeparator: \.isWhitespace).joined(separator: " "))
    }

    /// Left-aligned columns two spaces apart; the last one is not padded.
    private static func columns(_ rows: [[String]]) -> String {
        let widths = rows[0].indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { column, cell in
                column == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[column] - cell.count + 2)
            }.joined()
        }.joined(separator: "\n")
    }
}
