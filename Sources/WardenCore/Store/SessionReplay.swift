import Foundation

/// Renders a recorded session as it happened, for `warden replay` (and
/// later the admin API): who, from where and when, then each statement in
/// order with its offset from the session start, its verdict, its text and
/// the result the client received.
///
/// Results are drawn like psql's aligned format. NULL is shown empty, as
/// psql shows it by default, so a replay reads like the client's own screen;
/// the store keeps NULL and an empty value apart.
public enum SessionReplay {
    public static func render(session: SessionRecord, statements: [StatementRecord]) -> String {
        var lines = header(session.escapedForTerminal)
        if statements.isEmpty {
            lines += ["", "no statements"]
        }
        for statement in statements.sorted(by: { $0.sequence < $1.sequence }).map(\.escapedForTerminal) {
            lines.append("")
            lines += self.statement(statement, sessionStart: session.startedAt)
        }
        return lines.joined(separator: "\n")
    }

    private static func header(_ session: SessionRecord) -> [String] {
        let groups = session.groups.isEmpty ? "" : " (\(session.groups.joined(separator: ", ")))"
        let user = session.clientUser.isEmpty ? "-" : session.clientUser
        var ended = "-"
        if let end = session.endedAt {
            ended = SessionFormatting.time.string(from: end)
                + String(format: ", after %.3fs", end.timeIntervalSince(session.startedAt))
        }
        return [
            "session     \(session.id)",
            "who         \(session.subject ?? "-")\(groups)",
            "client      \(session.clientAddress) as \(user) via \(session.listener)",
            "connection  \(session.connection.isEmpty ? "-" : session.connection)",
            "started     \(SessionFormatting.time.string(from: session.startedAt))",
            "ended       \(ended)",
            "status      \(session.status)\(session.reason.map { " (\($0))" } ?? "")",
        ]
    }

    private static func statement(_ statement: StatementRecord, sessionStart: Date) -> [String] {
        let offset = statement.startedAt.timeIntervalSince(sessionStart)
        var lines = [String(format: "#%d  +%.3fs  ", statement.sequence, offset) + verdict(statement)]
        var body = statement.text
            .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if statement.verdict == "allow" {
            body += outcome(statement)
        }
        lines += body.map { "    " + $0 }
        return lines
    }

    private static func verdict(_ statement: StatementRecord) -> String {
        guard statement.verdict == "allow" else {
            return "denied: \(statement.reason ?? "no reason recorded")"
        }
        // The reason says who approved it, or which grant let it through.
        guard let reason = statement.reason, reason != PolicyVerdict.allowedByDefault else { return "allowed" }
        return "allowed: \(reason)"
    }

    /// The result table, the row count and how the statement ended.
    private static func outcome(_ statement: StatementRecord) -> [String] {
        guard let duration = statement.durationMilliseconds else {
            return ["(no result recorded: the session ended before the statement finished)"]
        }
        if let stream = TerminalStreamReplay(statement) {
            return stream.lines + [(statement.errorCode.map { "ERROR \($0): \(statement.errorMessage ?? "")" }
                ?? statement.summary ?? "") + String(format: " · %.1f ms", duration)]
        }
        if let exchange = HTTPExchangeReplay(statement) {
            return exchange.lines + [(statement.errorCode.map { "ERROR \($0): \(statement.errorMessage ?? "")" }
                ?? statement.summary ?? "") + String(format: " · %.1f ms", duration)]
        }
        var lines: [String] = []
        let rows = statement.rows ?? statement.result?.rows.count ?? 0
        if let table = statement.result {
            lines += TextTable.render(table)
            lines.append(rowCount(rows))
            if table.truncated {
                lines.append("… truncated: \(table.rows.count) of \(rowCount(rows, parenthesized: false)) shown")
            }
        }
        var ending: [String] = []
        if let code = statement.errorCode {
            ending.append("ERROR \(code): \(statement.errorMessage ?? "")")
        } else if let summary = statement.summary, !summary.isEmpty {
            ending.append(summary)
        }
        // Rows without a table: capture was off, or a plugin counted affected rows.
        if statement.result == nil && rows > 0 {
            ending.append(rowCount(rows, parenthesized: false))
        }
        ending.append(String(format: "%.1f ms", duration))
        lines.append(ending.joined(separator: " · "))
        return lines
    }

    private static func rowCount(_ count: Int, parenthesized: Bool = true) -> String {
        let text = count == 1 ? "1 row" : "\(count) rows"
        return parenthesized ? "(\(text))" : text
    }
}
