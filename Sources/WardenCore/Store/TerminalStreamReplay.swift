import Foundation

/// A terminal stream in a replay (a Kubernetes exec or attach): each chunk
/// of stdin, stdout and stderr in order with its time since the stream
/// opened, resizes, and how the command ended; or, for port-forward, what
/// each port moved. Text is made safe to print; line breaks are kept.
struct TerminalStreamReplay {
    /// The columns the Kubernetes plugin records a stream under.
    static let columns = ["at", "stream", "data"]

    let lines: [String]

    init?(_ statement: StatementRecord) {
        guard let table = statement.result, table.columns == Self.columns else { return nil }
        var lines: [String] = []
        for row in table.rows where row.count == 3 {
            // The stream's name comes from the client (a SPDY header): as unsafe as its data.
            let stream = TerminalText.safe(row[1] ?? "?")
            let data = TerminalText.safe(row[2] ?? "", keepingNewlines: true)
            // An error channel's Status is said by the summary (exit code); the JSON adds nothing.
            if stream == "error", statement.summary?.hasPrefix("exit code") == true { continue }
            let mark = row[0].map { "+\(TerminalText.safe($0))s " } ?? ""
            let label = "\(mark)\(stream.padding(toLength: max(stream.count, 6), withPad: " ", startingAt: 0)) │ "
            let text = data.hasSuffix("\n") ? String(data.dropLast()) : data
            let continuation = String(repeating: " ", count: label.count - 2) + "│ "
            for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                lines.append((index == 0 ? label : continuation) + line)
            }
        }
        if table.truncated { lines.append("… the stream is longer than the record keeps") }
        self.lines = lines
    }
}

/// A recorded terminal stream as asciicast v2 (the asciinema format): a
/// header line, then one JSON array per event, `[seconds, "o", text]` for
/// output, `"i"` for input and `"r"` for a resize (`"80x24"`).
public enum Asciicast {
    public struct NotAStream: Error, CustomStringConvertible {
        public var description: String
    }

    public static func write(_ statement: StatementRecord, title: String? = nil) throws -> String {
        guard let table = statement.result, table.columns == TerminalStreamReplay.columns else {
            throw NotAStream(description: "action #\(statement.sequence) recorded no terminal stream (exec or attach)")
        }
        let rows = table.rows.filter { $0.count == 3 && $0[0] != nil }
        let firstSize = rows.first { $0[1] == "resize" }?[2]?.split(separator: "x").compactMap { Int($0) }
        var header: [String: Any] = [
            "version": 2, "width": firstSize?.first ?? 80, "height": firstSize?.last ?? 24,
            "timestamp": Int(statement.startedAt.timeIntervalSince1970),
        ]
        header["title"] = title ?? statement.text
        var lines = [try json(header)]
        for row in rows {
            guard let at = Double(row[0] ?? ""), let data = row[2] else { continue }
            let code: String
            switch row[1] {
            case "stdout", "stderr": code = "o"
            case "stdin": code = "i"
            case "resize": code = "r"
            default: continue
            }
            // A terminal without a TTY sends bare line feeds; a player's screen needs the carriage return too.
            let text = code == "r" ? data : data.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\n", with: "\r\n")
            lines.append(try json([at, code, text]))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func json(_ value: Any) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .withoutEscapingSlashes]), as: UTF8.self)
    }
}
