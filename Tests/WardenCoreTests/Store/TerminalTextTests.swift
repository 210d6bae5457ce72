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
}
