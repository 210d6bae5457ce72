/// Masks what the upstream sends back while masking rules apply: DataRows
/// (using the current RowDescription's names, types and sources), the
/// message, detail and hint of errors and notices (`Key (email)=(…) already
/// exists`), and COPY … TO STDOUT rows.
///
/// A value in binary format is masked only when its type's binary format is
/// its text (text, varchar, name, json); other binary values pass unmasked,
/// since a masked replacement could not be encoded back. The simple protocol
/// sends binary only for a binary cursor's FETCH.
struct ResultMasking: Equatable, Sendable {
    var catalog = SourceCatalog()
    /// The fields of the result being relayed.
    private var fields: [ResultField] = []
    /// The table and columns a COPY … TO STDOUT statement names, when it names them.
    var copyTarget: (table: String, columns: [String])?
    /// Inside COPY OUT in text format.
    private var copyingText = false

    static func == (lhs: ResultMasking, rhs: ResultMasking) -> Bool {
        lhs.catalog == rhs.catalog && lhs.fields == rhs.fields && lhs.copyingText == rhs.copyingText
            && lhs.copyTarget?.table == rhs.copyTarget?.table && lhs.copyTarget?.columns == rhs.copyTarget?.columns
    }

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
        case BackendMessageType.dataRow:
            return dataRow(frame, masker: masker)
        case BackendMessageType.errorResponse, BackendMessageType.noticeResponse:
            return report(frame, masker: masker)
        case BackendMessageType.copyOutResponse:
            // Format 0 is text; binary COPY rows cannot be masked.
            copyingText = frame.body.first == 0
            return copyingText ? .unchanged : .failed
        case BackendMessageType.copyData where copyingText:
            return copyRow(frame, masker: masker)
        case BackendMessageType.copyDone:
            copyingText = false
            copyTarget = nil
            return .unchanged
        default:
            return .unchanged
        }
    }

    private func dataRow(_ frame: PostgresFrame, masker: any FieldMasker) -> Outcome {
        guard var values = RowMessages.values(frame.body), values.count == fields.count else { return .failed }
        var offered: [MaskField] = [], positions: [Int] = []
        for (index, value) in values.enumerated() {
            let field = fields[index]
            guard let value, !field.binary || PostgresTypeNames.binaryIsText(field.typeOID) else { continue }
            offered.append(MaskField(
                name: field.name,
                source: catalog.source(table: field.tableOID, column: field.columnNumber) ?? "",
                typeName: PostgresTypeNames.name(of: field.typeOID),
                value: String(decoding: value, as: UTF8.self)))
            positions.append(index)
        }
        guard !offered.isEmpty else { return .unchanged }
        guard let changed = masker.mask(offered) else { return .failed }
        guard !changed.isEmpty else { return .unchanged }
        for (offeredIndex, masked) in changed where offered.indices.contains(offeredIndex) {
            values[positions[offeredIndex]] = ArraySlice(masked.utf8)
        }
        return .send(RowMessages.dataRow(values))
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
        guard let changed = masker.mask(offered) else { return .failed }
        guard !changed.isEmpty else { return .unchanged }
        for (index, value) in changed where present.indices.contains(index) {
            parts.set(present[index].code, to: value)
        }
        return .send(parts.encoded(type: frame.type ?? BackendMessageType.errorResponse))
    }

    /// One text-format COPY row: tab-separated values, `\N` for NULL, a final newline.
    private func copyRow(_ frame: PostgresFrame, masker: any FieldMasker) -> Outcome {
        var line = Array(frame.body)
        let newline = line.last == UInt8(ascii: "\n")
        if newline { line.removeLast() }
        var values = line.split(separator: UInt8(ascii: "\t"), omittingEmptySubsequences: false).map(Array.init)
        let names = copyTarget.flatMap { target in target.columns.isEmpty ? catalog.columns(ofTable: target.table) : target.columns }
        var offered: [MaskField] = [], positions: [Int] = []
        for (index, value) in values.enumerated() where value != Array("\\N".utf8) {
            let name = names.flatMap { index < $0.count ? $0[index] : nil } ?? "column\(index + 1)"
            let source = names != nil && copyTarget != nil ? "\(copyTarget!.table).\(name)" : ""
            offered.append(MaskField(name: name, source: source, typeName: "text", value: String(decoding: value, as: UTF8.self)))
            positions.append(index)
        }
        guard !offered.isEmpty else { return .unchanged }
        guard let changed = masker.mask(offered) else { return .failed }
        guard !changed.isEmpty else { return .unchanged }
        for (index, masked) in changed where offered.indices.contains(index) {
            values[positions[index]] = Self.copyEscaped(masked)
        }
        var rebuilt = Array(values.joined(separator: [UInt8(ascii: "\t")]))
        if newline { rebuilt.append(UInt8(ascii: "\n")) }
        return .send(RowMessages.copyData(rebuilt))
    }

    /// A masked value must not break the row apart.
    private static func copyEscaped(_ text: String) -> [UInt8] {
        var out: [UInt8] = []
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\\"): out += Array("\\\\".utf8)
            case UInt8(ascii: "\t"): out += Array("\\t".utf8)
            case UInt8(ascii: "\n"): out += Array("\\n".utf8)
            case UInt8(ascii: "\r"): out += Array("\\r".utf8)
            default: out.append(byte)
            }
        }
        return out
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
