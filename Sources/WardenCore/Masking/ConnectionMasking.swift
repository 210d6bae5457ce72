import CWardenPlugin

/// A connection's masking rules with their masker instances, applied to one
/// batch of fields (a row or a document) at a time.
///
/// A field is rewritten by the first column rule that names it. Fields no
/// column rule names go through every detect rule in turn, each one seeing
/// the previous one's output, so a value holding both an email address and a
/// card number loses both.
final class ConnectionMasking: Sendable {
    /// A rule that names fields: by column, or by the JSONPath a plugin
    /// gives as a value's source.
    struct ColumnRule: Sendable {
        var patterns: [ColumnPattern]
        var paths: Set<String> = []
        var masker: MaskerInstance

        func names(name: String, source: String?) -> Bool {
            if let source, paths.contains(source) { return true }
            return patterns.contains { $0.matches(name: name, source: source) }
        }
    }

    let columnRules: [ColumnRule]
    let detectors: [MaskerInstance]

    init(columnRules: [ColumnRule], detectors: [MaskerInstance]) {
        self.columnRules = columnRules
        self.detectors = detectors
    }

    var isEmpty: Bool { columnRules.isEmpty && detectors.isEmpty }

    /// The column names the rules name, for plugins that resolve where result
    /// values come from (`*.ssn` and `customers.ssn` both give `ssn`).
    var columnNames: [String] {
        var seen: Set<String> = []
        // Paths are separate (``paths``): a JSONPath is not a column.
        return columnRules.flatMap { $0.patterns.map(\.column) }.filter { seen.insert($0).inserted }
    }

    /// The JSONPaths the rules name, for plugins that mask JSON bodies.
    var paths: [String] {
        columnRules.flatMap { $0.paths.sorted() }
    }

    /// Masks `fields`, calling `changed` once for each field whose value changes.
    func mask(_ fields: UnsafeBufferPointer<warden_field>, changed: (Int, warden_bytes) -> Void) -> warden_status {
        var byRule: [[Int]] = Array(repeating: [], count: columnRules.count)
        var unnamed: [Int] = []
        for (index, field) in fields.enumerated() where field.is_null == 0 {
            let name = field.name.text
            let source = field.source.length == 0 ? nil : field.source.text
            if let rule = columnRules.firstIndex(where: { $0.names(name: name, source: source) }) {
                byRule[rule].append(index)
            } else {
                unnamed.append(index)
            }
        }
        for (rule, indices) in byRule.enumerated() where !indices.isEmpty {
            let subset = indices.map { fields[$0] }
            let status = subset.withUnsafeBufferPointer { subset in
                columnRules[rule].masker.mask(subset) { position, value in
                    guard indices.indices.contains(position) else { return }
                    changed(indices[position], value)
                }
            }
            guard status == WARDEN_OK else { return status }
        }
        return detect(in: unnamed, of: fields, changed: changed)
    }

    private func detect(in indices: [Int], of fields: UnsafeBufferPointer<warden_field>,
                        changed: (Int, warden_bytes) -> Void) -> warden_status {
        guard !indices.isEmpty, !detectors.isEmpty else { return WARDEN_OK }
        // What earlier detectors made of each field, fed to the next one.
        var rewritten: [Int: [UInt8]] = [:]
        for detector in detectors {
            var arena = ByteArena()
            let ranges = indices.map { index in rewritten[index].map { arena.add($0) } }
            let status = arena.bytes.withUnsafeBufferPointer { base in
                let subset = indices.enumerated().map { position, index in
                    var field = fields[index]
                    if let range = ranges[position] { field.value = ByteArena.slice(base, range) }
                    return field
                }
                return subset.withUnsafeBufferPointer { subset in
                    detector.mask(subset) { position, value in
                        guard indices.indices.contains(position) else { return }
                        rewritten[indices[position]] = Array(value.rawBuffer)
                    }
                }
            }
            guard status == WARDEN_OK else { return status }
        }
        for (index, value) in rewritten.sorted(by: { $0.key < $1.key }) {
            value.withUnsafeBufferPointer { changed(index, warden_bytes(data: $0.baseAddress, length: $0.count)) }
        }
        return WARDEN_OK
    }
}
