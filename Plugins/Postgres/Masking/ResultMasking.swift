import Foundation

/// Masks what the upstream sends back while masking rules apply: DataRows
/// (using the current RowDescription's names, types and sources), the
/// message, detail and hint of errors and notices (`Key (email)=(…) already
/// exists`), and COPY … TO STDOUT rows.
///
/// A value in binary format is masked only when its type's binary format is
/// its text (text, varchar, name, json); a binary value of any other type
/// ends the session before the row goes out, since it could be neither read
/// nor masked. Binary cursors are refused before they are declared and
/// binary results at Bind, so this is the last line, not the usual path.
/// Notification payloads go through the content detectors.
struct ResultMasking: Equatable, Sendable {
    var catalog = SourceCatalog()
    /// The fields of the result being relayed.
    private var fields: [ResultField] = []
    /// Which result columns of the statement being run are computed from
    /// masked data (see ``MaskedDataFlow``).
    var plan = OutputPlan.none
    /// What of the texts of errors and notices is withheld while the
    /// statements in flight run.
    private(set) var withholding = Withholding.nothing
    enum Withholding: Int, Comparable, Sendable {
        case nothing
        /// A statement writes rows of a table with masked columns: an
        /// error's DETAIL may quote the whole row (`Failing row contains
        /// (…)` after `SET id = NULL`) or a key, in any form.
        case details
        /// A statement reads masked data: messages echo values in many
        /// forms too (`invalid input syntax for type integer: "…"`).
        case everything

        static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    /// Withholds at least `level` until ``stopWithholding()``.
    mutating func withhold(_ level: Withholding) {
        withholding = max(withholding, level)
    }

    /// Nothing is in flight any more: later errors quote nothing of it.
    mutating func stopWithholding() {
        withholding = .nothing
    }
    /// The COPY … TO STDOUT statements of the message being run, in order.
    var copyStatements: [CopyStatement] = []
    /// The COPY whose rows are arriving.
    private var copying: CopyStatement?

    enum Outcome {
        /// Send the frame as it arrived.
        case unchanged
        case send([UInt8])
        /// Masking failed: nothing of this value may reach the client.
        case failed
    }

    /// The frame as the client may see it.
    mutating func relay(_ frame: PostgresFrame, masker: any FieldMasker) -> Outcome {
        switch frame.type {
        case BackendMessageType.rowDescription:
            fields = RowMessages.fields(frame.body) ?? []
            return .unchanged
        case BackendMessageType.noData:
            fields = []
            return .unchanged
        case BackendMessageType.notificationResponse:
            return notification(frame, masker: masker)
        case BackendMessageType.dataRow:
            return dataRow(frame, masker: masker)
        case BackendMessageType.errorResponse, BackendMessageType.noticeResponse:
            return report(frame, masker: masker)
        case BackendMessageType.copyOutResponse:
            // Each COPY of the message in turn. Binary rows cannot be masked
            // (binary COPY is refused before it runs; this is the last line).
            let statement = copyStatements.isEmpty ? CopyStatement() : copyStatements.removeFirst()
            guard frame.body.first == 0, statement.format != .binary else { return .failed }
            copying = statement
            return .unchanged
        case BackendMessageType.copyData:
            guard let statement = copying else { return .unchanged }  // COPY FROM STDIN data is the client's
            return copyRow(frame, statement: statement, masker: masker)
        case BackendMessageType.copyDone:
            copying = nil
            return .unchanged
        default:
            return .unchanged
        }
    }

    private func dataRow(_ frame: PostgresFrame, masker: any FieldMasker) -> Outcome {
        guard var values = RowMessages.values(frame.body), values.count == fields.count else { return .failed }
        var offered: [MaskField] = [], positions: [Int] = []
        // Values computed from masked columns: replaced whole, never offered.
        var redacted: [Int: [UInt8]?] = [:]
        for (index, value) in values.enumerated() {
            let field = fields[index]
            guard let value else { continue }
            // A binary value of another type cannot be read, so it cannot be
            // masked: nothing of this row may go out.
            guard !field.binary || PostgresTypeNames.binaryIsText(field.typeOID) else { return .failed }
            // A view's column computed from masked data names the view as its
            // source; a whole row (`SELECT p FROM people p`) names its table
            // with column number 0: neither is a plain column its rule masks.
            let plainColumn = field.tableOID != 0 && field.columnNumber > 0
            let origin = plainColumn ? catalog.origin(table: field.tableOID, column: field.columnNumber) : nil
            if origin == .computed || (!plainColumn && plan.isDerived(index)) {
                redacted[index] = PostgresTypeNames.redaction(for: field.typeOID)
                continue
            }
            var source = ""
            if case .source(let column) = origin { source = column }
            offered.append(MaskField(
                name: field.name,
                source: source,
                typeName: PostgresTypeNames.name(of: field.typeOID),
                value: String(decoding: value, as: UTF8.self)))
            positions.append(index)
        }
        for (index, replacement) in redacted { values[index] = replacement.map { $0[...] } }
        guard !offered.isEmpty else { return redacted.isEmpty ? .unchanged : .send(RowMessages.dataRow(values)) }
        guard let changed = masker.mask(offered) else { return .failed }
        guard !changed.isEmpty || !redacted.isEmpty else { return .unchanged }
        for (offeredIndex, masked) in changed where offered.indices.contains(offeredIndex) {
            values[positions[offeredIndex]] = ArraySlice(masked.utf8)
        }
        return .send(RowMessages.dataRow(values))
    }

    /// `NOTIFY channel, 'payload'` and `pg_notify()` carry any text another
    /// session chose, a masked value included: the payload goes through the
    /// content detectors.
    private func notification(_ frame: PostgresFrame, masker: any FieldMasker) -> Outcome {
        var reader = ByteReader(frame.body)
        guard let processID = reader.readInt32(), let channel = reader.readCString(), let payload = reader.readCString(),
              reader.isAtEnd
        else { return .failed }
        guard !payload.isEmpty else { return .unchanged }
        guard let changed = masker.mask([MaskField(name: "payload", source: "", typeName: "text", value: payload)]) else {
            return .failed
        }
        guard let masked = changed[0] else { return .unchanged }
        return .send(MessageWriter.message(BackendMessageType.notificationResponse) { out in
            out.appendInt32(processID)
            out.appendCString(channel)
            out.appendCString(masked)
        })
    }

    /// Errors and notices echo values (`DETAIL: Key (email)=(ada@example.com)
    /// already exists.`): their texts go through the content detectors.
    private func report(_ frame: PostgresFrame, masker: any FieldMasker) -> Outcome {
        guard var parts = ReportFields(body: frame.body) else { return .failed }
        let masked: [(code: UInt8, name: String)] = [
            (UInt8(ascii: "M"), "message"), (UInt8(ascii: "D"), "detail"), (UInt8(ascii: "H"), "hint"),
            (UInt8(ascii: "W"), "context"),
        ]
        let present = masked.filter { parts.value(of: $0.code) != nil }
        guard !present.isEmpty else { return .unchanged }
        let offered = present.map { MaskField(name: $0.name, source: "", typeName: "text", value: parts.value(of: $0.code)!) }
        guard var changed = masker.mask(offered) else { return .failed }
        // Messages echo values in many forms (`…: 123456789`, a DETAIL
        // quoting a row or a document); the code and the kind of error remain.
        for index in offered.indices {
            let code = present[index].code
            if withholding == .everything {
                changed[index] = code == UInt8(ascii: "M") ? Self.withheldMessage : Self.withheldDetail
            } else if withholding == .details, code == UInt8(ascii: "D") {
                changed[index] = Self.withheldDetail
            }
        }
        guard !changed.isEmpty else { return .unchanged }
        for (index, value) in changed where present.indices.contains(index) {
            parts.set(present[index].code, to: value)
        }
        return .send(parts.encoded(type: frame.type ?? BackendMessageType.errorResponse))
    }

    static let withheldMessage = "Warden withheld this message: the statement reads masked columns, and the message could show their values"
    static let withheldDetail = "(withheld)"

    /// One COPY row, in text or CSV: each value offered under its column's
    /// name and source when the statement names the table (a materialized
    /// view's column takes the source it reads, or is redacted when it is
    /// computed from masked data).
    private func copyRow(_ frame: PostgresFrame, statement: CopyStatement, masker: any FieldMasker) -> Outcome {
        let row = CopyRow(frame.body, statement: statement)
        let relation = statement.table.flatMap(catalog.relation(named:))
        // A bare name two schemas share, one of them with masked columns:
        // which one the server copies is not known here, so nothing is offered.
        let uncertain = relation == nil && statement.table.map { catalog.holdsMaskedData($0, names: catalog.maskedNames) } == true
        let names = statement.table.flatMap { table in statement.columns.isEmpty ? catalog.columns(ofTable: table) : statement.columns }
        var offered: [MaskField] = [], positions: [Int] = []
        var replacements: [Int: String] = [:]
        for (index, value) in row.values.enumerated() where !value.isNull {
            let name = names.flatMap { index < $0.count ? $0[index] : nil } ?? "column\(index + 1)"
            var origin: SourceCatalog.Origin?
            if let relation, let column = relation.columns.first(where: { $0.name == name }) {
                origin = catalog.origin(table: relation.oid, column: column.number)
            }
            if uncertain || origin == .computed || (statement.table == nil && plan.isDerived(index)) {
                replacements[index] = PostgresTypeNames.redactedText
                continue
            }
            var source = names != nil ? statement.table.map { "\($0).\(name)" } ?? "" : ""
            if case .source(let column) = origin { source = column }
            offered.append(MaskField(name: name, source: source, typeName: "text", value: row.text(at: index)))
            positions.append(index)
        }
        guard !offered.isEmpty || !replacements.isEmpty else { return .unchanged }
        guard let changed = offered.isEmpty ? [:] : masker.mask(offered) else { return .failed }
        guard !changed.isEmpty || !replacements.isEmpty else { return .unchanged }
        for (index, masked) in changed where offered.indices.contains(index) {
            replacements[positions[index]] = masked
        }
        return .send(RowMessages.copyData(row.encoded(replacing: replacements)))
    }
}

/// Every field of an ErrorResponse or NoticeResponse, in order, so that it
/// can be sent back with some texts replaced and nothing else changed.
struct ReportFields {
    private var fields: [(code: UInt8, value: [UInt8])] = []

    init?(body: ArraySlice<UInt8>) {
        var reader = ByteReader(body)
        while let code = reader.readUInt8(), code != 0 {
            guard let value = reader.readCStringBytes() else { return nil }
            fields.append((code, Array(value)))
        }
    }

    func value(of code: UInt8) -> String? {
        fields.first { $0.code == code }.map { String(decoding: $0.value, as: UTF8.self) }
    }

    mutating func set(_ code: UInt8, to value: String) {
        guard let index = fields.firstIndex(where: { $0.code == code }) else { return }
        // A C string cannot hold a NUL.
        fields[index].value = Array(value.utf8.filter { $0 != 0 })
    }

    func encoded(type: UInt8) -> [UInt8] {
        MessageWriter.message(type) { out in
            for field in fields {
                out.append(field.code)
                out.appendCString(bytes: field.value)
            }
            out.append(0)
        }
    }
}
