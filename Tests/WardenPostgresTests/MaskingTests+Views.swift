import Testing
import WardenPluginSDK
@testable import WardenPostgres

/// Results from views and materialized views, whose columns PostgreSQL
/// names the view as the source of (issue 10).
extension MaskingTests {
    /// A session whose catalog query found `people` (16384) and the view
    /// `contacts` (16390: `id`, `contact` = email, `shout` = upper(email)),
    /// and `hr.staff` (16500) beside a `public.staff` (16501) with an `ssn`.
    func harnessWithViews(_ masker: FakeMasker) -> SessionHarness {
        var harness = SessionHarness(fieldMasker: masker)
        harness.credentials.masking = true
        harness.credentials.maskColumns = ["email", "ssn"]
        _ = harness.startReady()
        func row(_ values: [String?]) -> [UInt8] { Upstream.dataRow(values: values) }
        let view = " SELECT people.id,\n    people.email AS contact,\n    upper(people.email) AS shout\n   FROM people;"
        let sources = Upstream.rowDescription(columns: ["attrelid", "attnum", "nspname", "relname", "attname", "depth", "def"])
            + row(["16384", "1", "public", "people", "id", "0", nil])
            + row(["16384", "2", "public", "people", "email", "0", nil])
            + row(["16500", "1", "hr", "staff", "ssn", "0", nil])
            + row(["16501", "1", "public", "staff", "ssn", "0", nil])
            + row(["16390", "1", "public", "contacts", "id", "1", view])
            + row(["16390", "2", "public", "contacts", "contact", "1", nil])
            + row(["16390", "3", "public", "contacts", "shout", "1", nil])
            + Upstream.commandComplete("SELECT 7")
        let functions = Upstream.rowDescription(columns: ["proname", "lanname", "def"]) + Upstream.commandComplete("SELECT 0")
        _ = harness.machine.upstreamData(sources + functions + BackendMessages.readyForQuery(.idle))
        return harness
    }

    static func rowDescription(_ columns: [(name: String, table: Int32, column: Int16)]) -> [UInt8] {
        MessageWriter.message(BackendMessageType.rowDescription) { out in
            out.appendInt16(Int16(columns.count))
            for column in columns {
                out.appendCString(column.name)
                out.appendInt32(column.table); out.appendInt16(column.column); out.appendInt32(25); out.appendInt16(-1)
                out.appendInt32(-1); out.appendInt16(0)
            }
        }
    }

    @Test func aViewsColumnsAreMaskedByTheColumnsTheyReadOrRedacted() {
        let masker = FakeMasker()
        var harness = harnessWithViews(masker)
        let description = Self.rowDescription([("id", 16390, 1), ("contact", 16390, 2), ("shout", 16390, 3), ("contacts", 16390, 0)])
        let sent = run(&harness, "SELECT id, contact, shout, contacts FROM contacts", upstream: description
            + Upstream.dataRow(values: ["1", "ada@example.com", "ADA@EXAMPLE.COM", "(1,ada@example.com,ADA@EXAMPLE.COM)"])
            + Upstream.commandComplete("SELECT 1") + BackendMessages.readyForQuery(.idle))
        #expect(sent == description + Upstream.dataRow(values: ["1", "[email]", "****", "****"])
            + Upstream.commandComplete("SELECT 1") + BackendMessages.readyForQuery(.idle))
        // The renamed column is offered as the email it is; the computed one and the whole row never are.
        #expect(masker.offered.last?.map(\.source) == ["public.contacts.id", "public.people.email"])
    }

    @Test func copyOfANameTwoSchemasShareOffersNothing() {
        let masker = FakeMasker()
        var harness = harnessWithViews(masker)
        let copyOut = MessageWriter.message(BackendMessageType.copyOutResponse) { out in
            out.append(0); out.appendInt16(1); out.appendInt16(0)
        }
        let sent = run(&harness, "COPY staff TO STDOUT", upstream: copyOut + RowMessages.copyData(Array("987-65-4321\n".utf8))
            + MessageWriter.message(BackendMessageType.copyDone) { _ in } + Upstream.commandComplete("COPY 1")
            + BackendMessages.readyForQuery(.idle))
        let text = String(decoding: sent, as: UTF8.self)
        #expect(!text.contains("987-65"), "\(text)")
        #expect(text.contains("****\n"), "\(text)")
    }

    /// `UPDATE people SET id = NULL` fails with `DETAIL: Failing row
    /// contains (…)`, the whole row: a write to a table with masked columns
    /// keeps its error's message and loses its DETAIL.
    @Test func theDetailOfAWriteToAMaskedTableIsWithheld() {
        let masker = FakeMasker()
        var harness = harnessWithViews(masker)
        let error = BackendMessages.errorResponse(
            .error, code: "23502", message: "null value in column \"id\" violates not-null constraint",
            detail: "Failing row contains (null, 987-65-4321).")
        let sent = run(&harness, "UPDATE people SET id = NULL WHERE id = 1", upstream: error + BackendMessages.readyForQuery(.idle))
        #expect(sent == BackendMessages.errorResponse(
            .error, code: "23502", message: "null value in column \"id\" violates not-null constraint",
            detail: ResultMasking.withheldDetail) + BackendMessages.readyForQuery(.idle))
        // A write elsewhere keeps its DETAIL (through the detectors).
        let other = BackendMessages.errorResponse(.error, code: "23505", message: "duplicate key", detail: "Key (id)=(1) already exists.")
        #expect(run(&harness, "INSERT INTO notes VALUES (1)", upstream: other + BackendMessages.readyForQuery(.idle))
            == other + BackendMessages.readyForQuery(.idle))
    }

    @Test func copiesAreRefusedBeforeTheyRun() {
        var machine = harnessWithViews(FakeMasker()).machine
        let action = Action(kind: .statement, text: "")
        let refusal = machine.maskingRefusal(of: "INSERT INTO notes (note) SELECT contact FROM contacts", action: action)
        #expect(refusal?.hasPrefix("INSERT would write values read from masked columns into notes") == true, "\(refusal ?? "")")
        #expect(machine.maskingRefusal(of: "INSERT INTO notes (note) SELECT 'x'", action: action) == nil)
    }
}
