/// A node of libpg_query's JSON parse tree: its type (`SelectStmt`,
/// `RangeVar`, …) and its fields.
///
/// In that JSON a field declared as a generic node is wrapped in an object
/// naming its type (`{"RangeVar": {…}}`), while a field of a fixed struct
/// type is not (`"relation": {"relname": …}`); ``type`` is empty for the
/// latter. Fields left at their zero value are omitted, so a missing integer
/// is 0 and a missing boolean false.
struct ParseNode {
    let type: String
    let fields: [String: Any]

    /// The node a JSON value holds: a wrapped node, or an unwrapped struct.
    init?(_ value: Any) {
        guard let object = value as? [String: Any] else { return nil }
        if object.count == 1, let (key, inner) = object.first, key.first?.isUppercase == true,
           let innerFields = inner as? [String: Any] {
            self.type = key
            self.fields = innerFields
        } else {
            self.type = ""
            self.fields = object
        }
    }

    init(type: String, fields: [String: Any]) {
        self.type = type
        self.fields = fields
    }

    subscript(key: String) -> Any? { fields[key] }

    func node(_ key: String) -> ParseNode? {
        fields[key].flatMap(ParseNode.init)
    }

    func nodes(_ key: String) -> [ParseNode] {
        (fields[key] as? [Any] ?? []).compactMap(ParseNode.init)
    }

    func string(_ key: String) -> String? {
        fields[key] as? String
    }

    func int(_ key: String) -> Int {
        (fields[key] as? Int) ?? 0
    }

    func bool(_ key: String) -> Bool {
        (fields[key] as? Bool) ?? false
    }

    /// The text of a `String` node (`{"String": {"sval": …}}`), as names
    /// and some option values are given.
    var stringValue: String? {
        type == "String" ? (fields["sval"] as? String ?? "") : nil
    }

    /// A dotted name given as a list of `String` nodes (`schema.table`, a
    /// function's name): its parts.
    func nameParts(_ key: String) -> [String] {
        nodes(key).compactMap(\.stringValue)
    }

    /// Whether this is a `RangeVar` (a table, view or CTE named in a query),
    /// wrapped or not.
    var isRelation: Bool {
        type == "RangeVar" || (type.isEmpty && fields["relname"] is String)
    }

    /// A `RangeVar`'s name as written: `catalog.schema.table`, each part
    /// case-folded by the parser unless it was quoted.
    var relationName: String? {
        guard let table = fields["relname"] as? String else { return nil }
        return [fields["catalogname"] as? String, fields["schemaname"] as? String, table]
            .compactMap { $0 }.joined(separator: ".")
    }

    /// Whether a `RangeVar` names no schema, so a CTE of that name can hide a table.
    var isUnqualifiedRelation: Bool {
        fields["schemaname"] == nil && fields["catalogname"] == nil
    }
}
