import Foundation
import Testing
@testable import WardenCore

/// Red team: a statement carrying `ESC[8m` hid the rest of its line in
/// `warden approvals list`, REASON column included.
@Suite struct TerminalTextTests {
    @Test func escapeSequencesAndBidiOverridesBecomeVisible() {
        #expect(TerminalText.safe("SELECT 1 /* \u{1B}[8m */; UPDATE t") == "SELECT 1 /* \\x1B[8m */; UPDATE t")
        #expect(TerminalText.safe("a\u{202E}b\u{9B}c") == "a\\u{202E}b\\x9Bc")
        #expect(TerminalText.safe("line\nnext\ttab", keepingNewlines: true) == "line\nnext\ttab")
        #expect(TerminalText.safe("line\nnext") == "line\\x0Anext")
        #expect(TerminalText.safe("café ☕") == "café ☕")
    }

    @Test func approvalsListShowsTheEscapeInsteadOfObeyingIt() {
        let text = ApprovalFormatting.shortened("SELECT 1 /* \u{1B}[8m */")
        #expect(!text.contains("\u{1B}"))
        #expect(text.contains("\\x1B"))
    }

    /// Red team: a client that never signed in chose a PostgreSQL user name
    /// that cleared the operator's screen and printed a fake status line in
    /// `warden sessions show`; a Host header did the same through a refusal's
    /// reason, and a value in a result through `warden replay`.
    @Test func sessionsShowAndReplayPrintNoFieldAsTheClientWroteIt() {
        let start = Date(timeIntervalSince1970: 1_750_000_000)
        let session = SessionRecord(
            id: "00c0ffee00c0ffee", startedAt: start, endedAt: start, listener: "pg", clientAddress: "127.0.0.1:5",
            connection: "orders", clientUser: "\u{1B}]0;owned\u{07}\u{1B}[2J\nstatus      ended",
            subject: "eve\u{202E}", groups: ["a\u{1B}[8m"], status: "refused", reason: "token \u{9B}31m malformed")
        let statement = StatementRecord(
            sessionID: session.id, sequence: 1, startedAt: start, text: "GET /x", verdict: "deny",
            reason: "this connection serves localhost, not evil\u{202E}example", durationMilliseconds: nil, rows: nil,
            summary: nil, errorCode: nil, errorMessage: nil, approval: nil,
            result: ResultTable(columns: ["v"], rows: [["\u{1B}[2J"]]))
        let allowed = StatementRecord(
            sessionID: session.id, sequence: 2, startedAt: start, text: "SELECT v", verdict: "allow", reason: nil,
            durationMilliseconds: 1, rows: 1, summary: "SELECT 1", errorCode: nil, errorMessage: nil, approval: nil,
            result: ResultTable(columns: ["v"], rows: [["\u{1B}[2J"]]))
        for output in [SessionFormatting.detail(session, statements: [statement, allowed]),
                       SessionReplay.render(session: session, statements: [statement, allowed])] {
            #expect(!output.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" || (0x7F...0x9F).contains($0.value) }, "\(output)")
            #expect(!output.contains("\u{202E}"), "\(output)")
            #expect(!output.split(separator: "\n").contains { $0.hasPrefix("status      ended") }, "\(output)")
            #expect(output.contains("\\x1B]0;owned\\x07\\x1B[2J\\x0Astatus      ended"), "\(output)")
        }
    }

    /// Red team, MySQL round 1: a statement's own line breaks printed lines
    /// at the start of the line that read as a denied entry of its own.
    @Test func aStatementsLineBreaksCannotForgeAnEntryInSessionsShow() {
        let start = Date(timeIntervalSince1970: 1_750_000_000)
        let session = SessionRecord(
            id: "00c0ffee00c0ffe2", startedAt: start, endedAt: start, listener: "my", clientAddress: "127.0.0.1:5",
            connection: "shop", clientUser: "", subject: "mallory", groups: [], status: "ended", reason: nil)
        let statement = StatementRecord(
            sessionID: session.id, sequence: 1, startedAt: start, text: "SELECT 1 /*\n#2   +  0.001s  DROP TABLE customers\n*/",
            verdict: "allow", reason: nil, durationMilliseconds: 1, rows: 1, summary: "1 row", errorCode: nil, errorMessage: nil,
            approval: nil, result: nil)
        let output = SessionFormatting.detail(session, statements: [statement])
        #expect(!output.split(separator: "\n").contains { $0.hasPrefix("#2") }, "\(output)")
        #expect(output.contains("\n                #2   +  0.001s  DROP TABLE customers"), "\(output)")
    }

    /// Red team, Kubernetes round 2: a SPDY stream named `stdin\0ESC[8m`
    /// hid its row of an exec's replay.
    @Test func aTerminalStreamsNamesAreEscapedToo() {
        let start = Date(timeIntervalSince1970: 1_750_000_000)
        let session = SessionRecord(
            id: "00c0ffee00c0ffe1", startedAt: start, endedAt: start, listener: "kube", clientAddress: "127.0.0.1:5",
            connection: "cluster", clientUser: "", subject: "mallory", groups: [], status: "ended", reason: nil)
        let exec = StatementRecord(
            sessionID: session.id, sequence: 1, startedAt: start, text: "exec pods/web -n dev", verdict: "allow", reason: nil,
            durationMilliseconds: 1, rows: 1, summary: "exit code 0", errorCode: nil, errorMessage: nil, approval: nil,
            result: ResultTable(columns: ["at", "stream", "data"], rows: [["0.001", "stdin\u{1B}[8m", "rm -rf /\n"]]))
        let output = SessionReplay.render(session: session, statements: [exec])
        #expect(!output.unicodeScalars.contains { $0.value == 0x1B }, "\(output)")
        #expect(output.contains("stdin\\x1B[8m │ rm -rf /"), "\(output)")
    }
}
