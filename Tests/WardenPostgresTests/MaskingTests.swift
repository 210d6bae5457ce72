import Testing
@testable import WardenPostgres

/// Masking in the ready phase, with a masker that replaces what it is told to.
@Suite("Session: masking")
struct MaskingTests {
    /// Replaces values containing `@` with `[email]`, and every value whose
    /// source is `public.people.ssn` with `[ssn]`; records what it was offered.
    final class FakeMasker: FieldMasker {
        var offered: [[MaskField]] = []
        var fails = false

        func mask(_ fields: [MaskField]) -> [Int: String]? {
            offered.append(fields)
            guard !fails else { return nil }
            var changed: [Int: String] = [:]
            for (index, field) in fields.enumerated() {
                if field.source == "public.people.ssn" { changed[index] = "[ssn]" }
                else if field.value.contains("@") { changed[index] = field.value.replacingOccurrences(of: "ada@example.com", with: "[email]") }
            }
            return changed
        }
    }

    func maskedHarness(_ masker: FakeMasker, columns: [String] = []) -> SessionHarness {
        var harness = SessionHarness(fieldMasker: masker)
        harness.credentials.masking = true
        harness.credentials.maskColumns = columns
        _ = harness.startReady()
        return harness
    }

    func run(_ harness: inout SessionHarness, _ sql: String, upstream: [UInt8]) -> [UInt8] {
        _ = harness.machine.clientData(FrontendMessages.query(sql))
        _ = harness.machine.decided(.allow())
        return harness.machine.upstreamData(upstream).toClient
    }

    @Test func dataRowsAreMaskedAndOtherValuesKept() {
        let masker = FakeMasker()
        var harness = maskedHarness(masker)
        let upstream = Upstream.rowDescription(columns: ["name", "email"])
            + Upstream.dataRow(values: ["Ada", "ada@example.com"]) + Upstream.dataRow(values: ["Bob", nil])
            + Upstream.commandComplete("SELECT 2") + BackendMessages.readyForQuery(.idle)
        let sent = run(&harness, "select name, email from people", upstream: upstream)
        #expect(sent == Upstream.rowDescription(columns: ["name", "email"])
            + Upstream.dataRow(values: ["Ada", "[email]"]) + Upstream.dataRow(values: ["Bob", nil])
            + Upstream.commandComplete("SELECT 2") + BackendMessages.readyForQuery(.idle))
        #expect(masker.offered.first?.map(\.name) == ["name", "email"])
        #expect(masker.offered.last?.map(\.value) == ["Bob"], "NULLs are not offered")
    }

    @Test func errorDetailsAreMasked() {
        let masker = FakeMasker()
        var harness = maskedHarness(masker)
        let error = BackendMessages.errorResponse(
            .error, code: "23505", message: "duplicate key", detail: "Key (email)=(ada@example.com) already exists.")
        let sent = run(&harness, "insert into people values (1)", upstream: error + BackendMessages.readyForQuery(.idle))
        #expect(sent == BackendMessages.errorResponse(
            .error, code: "23505", message: "duplicate key", detail: "Key (email)=([email]) already exists.")
            + BackendMessages.readyForQuery(.idle))
    }

    @Test func aFailedMaskEndsTheSessionWithoutSendingTheRow() {
        let masker = FakeMasker()
        var harness = maskedHarness(masker)
        masker.fails = true
        _ = harness.machine.clientData(FrontendMessages.query("select email from people"))
        _ = harness.machine.decided(.allow())
        let actions = harness.machine.upstreamData(Upstream.rowDescription(columns: ["email"])
            + Upstream.dataRow(values: ["ada@example.com"]))
        #expect(!String(decoding: actions.toClient, as: UTF8.self).contains("ada@example.com"))
        #expect(actions.contains(.closeClient))
    }

    @Test func sourcesComeFromTheCatalogQueryBeforeTheFirstStatement() {
        let masker = FakeMasker()
        var harness = SessionHarness(fieldMasker: masker)
        harness.credentials.masking = true
        harness.credentials.maskColumns = ["ssn"]
        let startup = harness.startReady()
        // The client has no ReadyForQuery yet: the catalog query went upstream first.
        // (By message type: a byte search would also find 'Z' in Warden's random cancel key.)
        #expect(!Bytes.types(startup.toClient).contains("Z"))
        #expect(startup.toUpstream.count > 0)
        let catalog = Upstream.rowDescription(columns: ["attrelid", "attnum", "nspname", "relname", "attname"])
            + Upstream.dataRow(values: ["16384", "1", "public", "people", "id"])
            + Upstream.dataRow(values: ["16384", "2", "public", "people", "ssn"])
            + Upstream.commandComplete("SELECT 2") + BackendMessages.readyForQuery(.idle)
        #expect(harness.machine.upstreamData(catalog).toClient == BackendMessages.readyForQuery(.idle))

        // A result column from table 16384, attribute 2, renamed: still the ssn.
        var description: [UInt8] = []
        description.appendInt16(1)
        description.appendCString("x")
        description.appendInt32(16384)
        description.appendInt16(2)
        description.appendInt32(25)
        description.appendInt16(-1)
        description.appendInt32(-1)
        description.appendInt16(0)
        let rowDescription = MessageWriter.message(BackendMessageType.rowDescription) { $0.append(contentsOf: description) }
        let sent = run(&harness, "select ssn as x from people", upstream: rowDescription
            + Upstream.dataRow(values: ["123-45-6789"]) + Upstream.commandComplete("SELECT 1")
            + BackendMessages.readyForQuery(.idle))
        #expect(sent == rowDescription + Upstream.dataRow(values: ["[ssn]"]) + Upstream.commandComplete("SELECT 1")
            + BackendMessages.readyForQuery(.idle))
        #expect(masker.offered.last?.first?.source == "public.people.ssn")
        #expect(masker.offered.last?.first?.typeName == "text")
    }

    @Test func copyRowsAreMaskedByTheStatementsColumns() {
        let masker = FakeMasker()
        var harness = maskedHarness(masker)
        let copyOut = MessageWriter.message(BackendMessageType.copyOutResponse) { out in
            out.append(0)
            out.appendInt16(2)
            out.appendInt16(0)
            out.appendInt16(0)
        }
        let row = RowMessages.copyData(Array("1\tada@example.com\n".utf8))
        let sent = run(&harness, "COPY people (id, email) TO STDOUT", upstream: copyOut + row
            + MessageWriter.message(BackendMessageType.copyDone) { _ in }
            + Upstream.commandComplete("COPY 1") + BackendMessages.readyForQuery(.idle))
        #expect(String(decoding: sent, as: UTF8.self).contains("1\t[email]\n"))
        #expect(masker.offered.first?.map(\.name) == ["id", "email"])
        #expect(masker.offered.first?.map(\.source) == ["people.id", "people.email"])
    }

    @Test func copyStatementsNameTheirTableColumnsAndFormat() {
        let named = CopyStatement.all(in: "COPY public.people (id, \"Email\") TO STDOUT")
        #expect(named.map(\.table) == ["public.people"])
        #expect(named.first?.columns == ["id", "Email"])
        let csv = CopyStatement.all(in: "copy people to stdout with (format csv, delimiter ';', null 'N/A')")
        #expect(csv.first?.format == .csv)
        #expect(csv.first?.delimiter == UInt8(ascii: ";"))
        #expect(csv.first?.nullMarker == Array("N/A".utf8))
        #expect(CopyStatement.all(in: "COPY (SELECT 1) TO STDOUT").map(\.table) == [nil])
        #expect(CopyStatement.all(in: "COPY people FROM STDIN").isEmpty)
        #expect(CopyStatement.all(in: "COPY a TO STDOUT; COPY b TO STDOUT BINARY").map(\.format) == [.text, .binary])
    }

    /// CSV, another delimiter, and a second COPY in the same message: each
    /// row is split as its own statement wrote it (issue 10).
    @Test func everyCopyOfAMessageIsMaskedInItsOwnFormat() {
        let masker = FakeMasker()
        var harness = maskedHarness(masker)
        func copyOut(_ columns: Int) -> [UInt8] {
            MessageWriter.message(BackendMessageType.copyOutResponse) { out in
                out.append(0)
                out.appendInt16(Int16(columns))
                for _ in 0..<columns { out.appendInt16(0) }
            }
        }
        let done = MessageWriter.message(BackendMessageType.copyDone) { _ in }
        let upstream = copyOut(2) + RowMessages.copyData(Array("1,\"ada@example.com, \"\"x\"\"\"\n".utf8)) + done
            + Upstream.commandComplete("COPY 1")
            + copyOut(2) + RowMessages.copyData(Array("2|ada@example.com\n".utf8)) + done
            + Upstream.commandComplete("COPY 1") + BackendMessages.readyForQuery(.idle)
        let sent = run(&harness, "COPY people (id, email) TO STDOUT (FORMAT csv); COPY people TO STDOUT (DELIMITER '|')",
                       upstream: upstream)
        let text = String(decoding: sent, as: UTF8.self)
        #expect(text.contains("1,\"[email], \"\"x\"\"\"\n"), "\(text)")
        #expect(text.contains("2|[email]\n"), "\(text)")
        #expect(!text.contains("ada@example.com"))
        #expect(masker.offered.first?.map(\.value) == ["1", "ada@example.com, \"x\""])
    }

    /// Red team: a backslash-escaped delimiter is data; splitting on it
    /// shifted columns and showed part of an SSN.
    @Test func anEscapedDelimiterInTextCopyIsData() {
        let statement = CopyStatement.all(in: "COPY people TO STDOUT (DELIMITER '-')")[0]
        let row = CopyRow(Array("1-Alice-123\\-45\\-6789\n".utf8)[...], statement: statement)
        #expect(row.values.count == 3)
        #expect(row.text(at: 2) == #"123\-45\-6789"#)
    }

    /// Red team: a startup statement_timeout of 1 ms cancelled the catalog
    /// query and the session went on without its rules; it must end.
    @Test func aCatalogQueryThatFailsEndsTheSession() {
        let masker = FakeMasker()
        var harness = SessionHarness(fieldMasker: masker)
        harness.credentials.masking = true
        harness.credentials.maskColumns = ["ssn"]
        _ = harness.startReady()
        let actions = harness.machine.upstreamData(
            Upstream.error("57014", "canceling statement due to statement timeout") + BackendMessages.readyForQuery(.idle))
        #expect(actions.clientError?.severity == "FATAL")
        #expect(harness.machine.phase == .closed)
    }

    @Test func notificationPayloadsGoThroughTheDetectors() {
        let masker = FakeMasker()
        var harness = maskedHarness(masker)
        let notification = MessageWriter.message(BackendMessageType.notificationResponse) { out in
            out.appendInt32(42); out.appendCString("events"); out.appendCString("signed up: ada@example.com")
        }
        let sent = run(&harness, "LISTEN events", upstream: Upstream.commandComplete("LISTEN")
            + BackendMessages.readyForQuery(.idle) + notification)
        let text = String(decoding: sent, as: UTF8.self)
        #expect(text.contains("signed up: [email]"), "\(text)")
        #expect(!text.contains("ada@example.com"))
    }

    @Test func aBinaryValueOfAnotherTypeEndsTheSessionUnsent() {
        let masker = FakeMasker()
        var harness = maskedHarness(masker)
        let binaryBytea = MessageWriter.message(BackendMessageType.rowDescription) { out in
            out.appendInt16(1)
            out.appendCString("e")
            out.appendInt32(0); out.appendInt16(0); out.appendInt32(17); out.appendInt16(-1); out.appendInt32(-1)
            out.appendInt16(1)
        }
        let sent = run(&harness, "FETCH ALL FROM c", upstream: binaryBytea + Upstream.dataRow(values: ["ada@example.com"])
            + Upstream.commandComplete("FETCH 1") + BackendMessages.readyForQuery(.idle))
        #expect(!String(decoding: sent, as: UTF8.self).contains("ada@example.com"))
        #expect(harness.machine.phase == .closed)
    }

    @Test func theCatalogQueryQuotesNothingItDoesNotTrust() {
        #expect(SourceCatalog.query(columnNames: ["email", "x'); DROP TABLE t; --"])?.contains("DROP") == false)
        #expect(SourceCatalog.query(columnNames: ["bad name"]) == nil)
    }
}
