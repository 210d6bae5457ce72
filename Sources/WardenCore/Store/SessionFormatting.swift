import Foundation

/// Renders recorded sessions for the terminal.
public enum SessionFormatting {
    static let time: DateFormatter = {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss'Z'"
        return formatter
    }()

    public static func table(_ sessions: [SessionRecord]) -> String {
        guard !sessions.isEmpty else { return "no sessions recorded" }
        var lines = ["ID                STARTED               STATUS   CONNECTION  SUBJECT       CLIENT"]
        for session in sessions {
            lines.append([
                session.id.padding(18), time.string(from: session.startedAt).padding(22),
                session.status.padding(9), session.connection.padding(12),
                (session.subject ?? "-").padding(14), session.clientAddress,
            ].joined())
        }
        return lines.joined(separator: "\n")
    }

    public static func detail(_ session: SessionRecord, statements: [StatementRecord]) -> String {
        var lines = [
            "session     \(session.id)",
            "subject     \(session.subject ?? "-")",
            "groups      \(session.groups.isEmpty ? "-" : session.groups.joined(separator: ", "))",
            "connection  \(session.connection)",
            "client      \(session.clientAddress) as \(session.clientUser.isEmpty ? "-" : session.clientUser) via \(session.listener)",
            "started     \(time.string(from: session.startedAt))",
            "ended       \(session.endedAt.map { time.string(from: $0) } ?? "-")",
            "status      \(session.status)\(session.reason.map { " (\($0))" } ?? "")",
            "",
        ]
        if statements.isEmpty {
            lines.append("no statements")
        }
        for statement in statements {
            let offset = statement.startedAt.timeIntervalSince(session.startedAt)
            var outcome = statement.verdict
            if let reason = statement.reason, reason != PolicyVerdict.allowedByDefault { outcome += " (\(reason))" }
            if let code = statement.errorCode {
                outcome += " · error \(code): \(statement.errorMessage ?? "")"
            } else if let summary = statement.summary {
                outcome += " · \(summary.isEmpty ? "done" : summary)"
            }
            if let rows = statement.rows { outcome += " · \(rows) row(s)" }
            if let duration = statement.durationMilliseconds { outcome += String(format: " · %.1f ms", duration) }
            lines.append(String(format: "#%-3d +%7.3fs  ", statement.sequence, offset) + TerminalText.safe(statement.text))
            lines.append("                " + outcome)
        }
        return lines.joined(separator: "\n")
    }
}

extension String {
    fileprivate func padding(_ width: Int) -> String {
        count >= width ? self + " " : self + String(repeating: " ", count: width - count)
    }
}
