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

    /// One approval in full, for `warden approvals show`: what the table
    /// cuts at ``textWidth`` is all here, the statement with its own line
    /// breaks (control characters shown as escapes, never obeyed).
    public static func details(_ approval: ApprovalRequest) -> String {
        var fields: [(String, String)] = [
            ("id", approval.id),
            ("requested", time.string(from: approval.requestedAt)),
            ("expires", time.string(from: approval.expiresAt)),
            ("requester", approval.requester),
            ("session", approval.sessionID),
            ("connection", approval.connection),
            ("class", approval.className),
            ("risk", approval.risk),
            ("targets", approval.targets.isEmpty ? "(none)" : approval.targets.joined(separator: ", ")),
            ("reason", approval.reason),
            ("approvers", approval.approvers.joined(separator: ", ")),
        ]
        if let seconds = approval.maxGrantSeconds { fields.append(("longest grant", DurationText.format(.seconds(seconds)))) }
        if let kind = approval.kind { fields.append(("kind", kind)) }
        // The protocol's own facts (`command`; `method`, `path`), one per line.
        for (key, value) in (approval.attributes ?? [:]).sorted(by: { $0.key < $1.key }) {
            fields.append(("  " + key, value))
        }
        let width = fields.map(\.0.count).max() ?? 0
        let header = fields.map { name, value in
            name + ":" + String(repeating: " ", count: width - name.count + 1) + TerminalText.safe(value)
        }
        let statement = approval.text.split(separator: "\n", omittingEmptySubsequences: false)
            .map { "  " + TerminalText.safe(String($0)) }
        // A SQL statement is a statement; every other kind's action is a request.
        let label = approval.kind == nil || approval.kind == ActionKind.sql.rawValue ? "statement:" : "request:"
        return (header + [label] + statement).joined(separator: "\n")
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
