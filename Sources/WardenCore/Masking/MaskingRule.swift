/// One masking rule of a connection: which fields, and the masker that rewrites them.
public struct MaskingRule: Sendable {
    public enum Selector: Sendable, Equatable {
        /// Fields named by result name or by source column.
        case columns([ColumnPattern])
        /// Any text field, by content: detector names the masker plugin knows.
        case detect([String])
        /// Values of a JSON body (HTTP, Kubernetes) by JSONPath, such as
        /// `$.users[*].email` or `$..ssn`, as written in the rule: the plugin
        /// matches them and names the pattern as the value's source.
        case paths([String])
    }

    public var selector: Selector
    /// The masker plugin's name: `pii` in `pii.redact`.
    public var plugin: String
    /// The masker within it: `redact` in `pii.redact`.
    public var masker: String
    /// Passed to the masker as they are written; a detect rule also passes
    /// `detect` = the comma-separated detector names.
    public var options: [String: String]
    /// Where the rule's masker is named, for errors found when the gateway starts.
    var line: Int?
}

/// Names a field in a rule's `columns`:
/// - `email`: a result field called `email`, or any field whose source column
///   is `email`, so renaming it in the query (`SELECT email AS e`) does not unmask it;
/// - `customers.phone`: the source column `phone` of table `customers`;
/// - `*.ssn`: the source column `ssn` of any table.
public struct ColumnPattern: Sendable, Equatable {
    /// nil for a bare name; `*` for any table.
    public var table: String?
    public var column: String

    public init(_ text: String) {
        let lowered = text.lowercased()
        if let dot = lowered.lastIndex(of: ".") {
            table = String(lowered[..<dot])
            column = String(lowered[lowered.index(after: dot)...])
        } else {
            table = nil
            column = lowered
        }
    }

    /// `name` is the field's name as the client sees it; `source` is
    /// `table.column` when the plugin knows where the value comes from.
    func matches(name: String, source: String?) -> Bool {
        let source = source.flatMap(Self.split)
        switch table {
        case nil:
            return name.lowercased() == column || source?.column == column
        case "*":
            return source?.column == column
        case let table?:
            return source?.column == column && (source?.table == table || source?.table.hasSuffix(".\(table)") == true)
        }
    }

    private static func split(_ source: String) -> (table: String, column: String)? {
        let lowered = source.lowercased()
        guard let dot = lowered.lastIndex(of: ".") else { return nil }
        return (String(lowered[..<dot]), String(lowered[lowered.index(after: dot)...]))
    }
}
