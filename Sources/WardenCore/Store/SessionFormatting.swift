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
                session.status.padding(9), TerminalText.safe(session.connection).padding(12),
                TerminalText.safe(session.subject ?? "-").padding(14), TerminalText.safe(session.clientAddress),
            ].joined())
        }
        return lines.joined(separator: "\n")
    }

    public static func detail(_ session: SessionRecord, statements: [StatementRecord]) -> String {
        let shown = session.escapedForTerminal
        var lines = [
            "session     \(shown.id)",
            "subject     \(shown.subject ?? "-")",
            "groups      \(shown.groups.isEmpty ? "-" : shown.groups.joined(separator: ", "))",
            "connection  \(shown.connection)",
            "client      \(shown.clientAddress) as \(shown.clientUser.isEmpty ? "-" : shown.clientUser) via \(shown.listener)",
            "started     \(time.string(from: session.startedAt))",
            "ended       \(session.endedAt.map { time.string(from: $0) } ?? "-")",
            "status      \(shown.status)\(shown.reason.map { " (\($0))" } ?? "")",
            "",
        ]
        if statements.isEmpty {
            lines.append("no statements")
        }
        for statement in statements.map(\.escapedForTerminal) {
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
            // A statement's own line breaks are indented under it, so that
            // its text cannot print lines that read as other entries.
            let text = statement.text.split(separator: "\n", omittingEmptySubsequences: false)
                .joined(separator: "\n" + String(repeating: " ", count: 16))
            lines.append(String(format: "#%-3d +%7.3fs  ", statement.sequence, offset) + text)
            lines.append("                " + outcome)
        }
        return lines.joined(separator: "\n")
    }
}

extension SessionRecord {
    /// Every field a client or its identity provider chose, safe to print
    /// (``TerminalText``): a user name, a reason quoting a Host header.
    var escapedForTerminal: SessionRecord {
        var shown = self
        shown.id = TerminalText.safe(id)
        shown.subject = subject.map { TerminalText.safe($0) }
        shown.groups = groups.map { TerminalText.safe($0) }
        shown.connection = TerminalText.safe(connection)
        shown.clientAddress = TerminalText.safe(clientAddress)
        shown.clientUser = TerminalText.safe(clientUser)
        shown.listener = TerminalText.safe(listener)
        shown.status = TerminalText.safe(status)
        shown.reason = reason.map { TerminalText.safe($0) }
        return shown
    }
}

extension StatementRecord {
    /// The statement's text and everything said about it, safe to print;
    /// the text keeps its line breaks, which the renderers indent.
    var escapedForTerminal: StatementRecord {
        var shown = self
        shown.text = TerminalText.safe(text, keepingNewlines: true)
        shown.verdict = TerminalText.safe(verdict)
        shown.reason = reason.map { TerminalText.safe($0) }
        shown.summary = summary.map { TerminalText.safe($0) }
        shown.errorCode = errorCode.map { TerminalText.safe($0) }
        shown.errorMessage = errorMessage.map { TerminalText.safe($0) }
        shown.approval = approval.map { TerminalText.safe($0) }
        return shown
    }
}

extension String {
    fileprivate func padding(_ width: Int) -> String {
        count >= width ? self + " " : self + String(repeating: " ", count: width - count)
    }
}
