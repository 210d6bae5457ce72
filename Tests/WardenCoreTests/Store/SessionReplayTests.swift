import Foundation
import Testing

@testable import WardenCore

/// `warden replay`'s rendering: the session's header, then every statement
/// in order with its offset, verdict, text and result.
@Suite struct SessionReplayTests {
    static let start = Date(timeIntervalSince1970: 1_750_000_000)  // 2025-06-15 15:06:40Z

    static let session = SessionRecord(
        id: "00c0ffee00c0ffee", startedAt: start, endedAt: start.addingTimeInterval(5), listener: "pg",
        clientAddress: "127.0.0.1:51234", connection: "orders", clientUser: "alice", subject: "alice@example.com",
        groups: ["analysts", "dba"], status: "ended", reason: nil)

    static func statement(
        _ sequence: Int, at offset: Double, _ text: String, verdict: String = "allow", reason: String? = nil,
        duration: Double? = 1.25, rows: Int? = nil, summary: String? = nil, error: (String, String)? = nil,
        approval: String? = nil, result: ResultTable? = nil
    ) -> StatementRecord {
        StatementRecord(
            sessionID: session.id, sequence: sequence, startedAt: start.addingTimeInterval(offset), text: text,
            verdict: verdict, reason: reason, durationMilliseconds: verdict == "allow" ? duration : nil,
            rows: rows, summary: summary, errorCode: error?.0, errorMessage: error?.1, approval: approval,
            result: result)
    }

    static let statements = [
        // Deliberately out of order: the replay sorts by sequence.
        statement(3, at: 2.5, "DROP TABLE customers", verdict: "deny", reason: "DDL is not allowed for analysts"),
        statement(1, at: 0.125, "SELECT id, name, email FROM customers ORDER BY id", rows: 2, summary: "SELECT 2",
                  result: ResultTable(columns: ["id", "name", "email"],
                                      rows: [["1", "Ada Lovelace", "ada@example.com"], ["2", "Grace Hopper", nil]])),
        statement(2, at: 1.5, "INSERT INTO notes VALUES (1, 'x')", rows: 0, summary: "INSERT 0 1"),
        statement(4, at: 3.25, "SELECT * FROM missing", rows: 0,
                  error: ("42P01", "relation \"missing\" does not exist")),
    ]

    var output: String { SessionReplay.render(session: Self.session, statements: Self.statements) }

    @Test func theHeaderSaysWhoFromWhereAndWhen() {
        let lines = output.split(separator: "\n", omittingEmptySubsequences: false).prefix(7).map(String.init)
        #expect(lines == [
            "session     00c0ffee00c0ffee",
            "who         alice@example.com (analysts, dba)",
            "client      127.0.0.1:51234 as alice via pg",
            "connection  orders",
            "started     2025-06-15 15:06:40Z",
            "ended       2025-06-15 15:06:45Z, after 5.000s",
            "status      ended",
        ])
    }

    @Test func statementsAppearInSequenceWithTheirOffsetsAndVerdicts() throws {
        let headings = output.split(separator: "\n").filter { $0.hasPrefix("#") }
        #expect(headings == [
            "#1  +0.125s  allowed",
            "#2  +1.500s  allowed",
            "#3  +2.500s  denied: DDL is not allowed for analysts",
            "#4  +3.250s  allowed",
        ])
    }

    @Test func aResultIsDrawnAsAnAlignedTableWithNullShownEmpty() {
        #expect(output.contains("""
            #1  +0.125s  allowed
                SELECT id, name, email FROM customers ORDER BY id
                 id |     name     |      email
                ----+--------------+-----------------
                 1  | Ada Lovelace | ada@example.com
                 2  | Grace Hopper |
                (2 rows)
                SELECT 2 · 1.2 ms
            """))
    }

    @Test func aStatementWithoutATableShowsItsSummary() {
        #expect(output.contains("""
            #2  +1.500s  allowed
                INSERT INTO notes VALUES (1, 'x')
                INSERT 0 1 · 1.2 ms
            """))
    }

    @Test func aDeniedStatementShowsTheReasonAndNoResult() {
        #expect(output.contains("""
            #3  +2.500s  denied: DDL is not allowed for analysts
                DROP TABLE customers

            #4
            """))
    }

    @Test func aFailedStatementShowsItsError() {
        #expect(output.hasSuffix("""
            #4  +3.250s  allowed
                SELECT * FROM missing
                ERROR 42P01: relation "missing" does not exist · 1.2 ms
            """))
    }

    @Test func aTruncatedResultSaysHowMuchIsShown() {
        let table = ResultTable(columns: ["n"], rows: [["1"], ["2"]], truncated: true)
        let text = SessionReplay.render(session: Self.session, statements: [
            Self.statement(1, at: 0, "SELECT n FROM generate_series(1, 1000) n", rows: 1000, summary: "SELECT 1000",
                           result: table),
        ])
        #expect(text.contains("""
                 n
                ---
                 1
                 2
                (1000 rows)
                … truncated: 2 of 1000 rows shown
                SELECT 1000 · 1.2 ms
            """))
    }

    @Test func anApprovalAndOddValuesAreShown() {
        let table = ResultTable(columns: ["note"], rows: [["two\nlines"]])
        let text = SessionReplay.render(session: Self.session, statements: [
            Self.statement(1, at: 0, "SELECT note FROM notes", reason: "approved by bob (approval 0123456789ab)",
                           rows: 1, summary: "SELECT 1", approval: "0123456789ab", result: table),
            Self.statement(2, at: 1, "SELECT 1", reason: "allowed by default", rows: 1, summary: "SELECT 1"),
        ])
        #expect(text.contains("#1  +0.000s  allowed: approved by bob (approval 0123456789ab)"))
        #expect(text.contains("#2  +1.000s  allowed\n"))
        #expect(text.contains("    two\\nlines\n    (1 row)"))
    }

    @Test func rowsWithoutATableAreCounted() {
        let text = SessionReplay.render(session: Self.session, statements: [
            Self.statement(1, at: 0, "SELECT 1", rows: 1, summary: "SELECT 1"),
            Self.statement(2, at: 1, "SELECT pg_sleep(10)", duration: nil),
        ])
        #expect(text.contains("    SELECT 1\n    SELECT 1 · 1 row · 1.2 ms"))
        #expect(text.contains("(no result recorded: the session ended before the statement finished)"))
    }

    @Test func aSessionWithoutStatementsSaysSo() {
        var refused = Self.session
        refused.status = "refused"
        refused.reason = "token expired"
        refused.endedAt = nil
        let text = SessionReplay.render(session: refused, statements: [])
        #expect(text.contains("ended       -\nstatus      refused (token expired)\n\nno statements"))
    }
}
