/// A node of libpg_query's parse tree: its type (`SelectStmt`, `RangeVar`,
/// …) and its fields.
///
/// In that JSON a field declared as a generic node is wrapped in an object
/// naming its type (`{"RangeVar": {…}}`), while a field of a fixed struct
/// type is not (`"relation": {"relname": …}`); ``type`` is empty for the
/// latter. Fields left at their zero value are omitted, so a missing integer
/// is 0 and a missing boolean false.
package struct ParseNode: Sendable {
    let type: String
    let fields: [TreeField]

    /// The node a JSON value holds: a wrapped node, or an unwrapped struct.
    init?(_ value: TreeValue?) {
        guard case .object(let fields) = value else { return nil }
        if fields.count == 1, fields[0].key.first?.isUppercase == true, case .object(let inner) = fields[0].value {
            self.type = fields[0].key
            self.fields = inner
        } else {
            self.type = ""
            self.fields = fields
        }
    }

    /// The node as the JSON value it came from, to walk it again.
    var value: TreeValue {
        type.isEmpty ? .object(fields) : .object([TreeField(key: type, value: .object(fields))])
    }

    subscript(key: String) -> TreeValue? {
        fields.first { $0.key == key }?.value
    }

    func node(_ key: String) -> ParseNode? {
        ParseNode(self[key])
    }

    func nodes(_ key: String) -> [ParseNode] {
        list(key).compactMap(ParseNode.init)
    }

    /// The items of a list field; empty when it is absent.
    func list(_ key: String) -> [TreeValue] {
        guard case .array(let items) = self[key] else { return [] }
        return items
    }

    func string(_ key: String) -> String? {
        guard case .string(let text) = self[key] else { return nil }
        return text
    }

    func int(_ key: String) -> Int {
        guard case .integer(let number) = self[key] else { return 0 }
        return number
    }

    func bool(_ key: String) -> Bool {
        guard case .bool(let flag) = self[key] else { return false }
        return flag
    }

    func has(_ key: String) -> Bool {
        self[key] != nil
    }

    /// The text of a `String` node (`{"String": {"sval": …}}`), as names
    /// and some option values are given.
    var stringValue: String? {
        type == "String" ? (string("sval") ?? "") : nil
    }

    /// A dotted name given as a list of `String` nodes (`schema.table`, a
    /// function's name): its parts.
    func nameParts(_ key: String) -> [String] {
        nodes(key).compactMap(\.stringValue)
    }

    /// Whether this is a `RangeVar` (a table, view or CTE named in a query),
    /// wrapped or not.
    var isRelation: Bool {
        type == "RangeVar" || (type.isEmpty && string("relname") != nil)
    }

    /// A `RangeVar`'s name as written: `catalog.schema.table`, each part
    /// case-folded by the parser unless it was quoted.
    var relationName: String? {
        guard let table = string("relname") else { return nil }
        return [string("catalogname"), string("schemaname"), table].compactMap { $0 }.joined(separator: ".")
    }

    /// Whether a `RangeVar` names no schema, so a CTE of that name can hide a table.
    var isUnqualifiedRelation: Bool {
        !has("schemaname") && !has("catalogname")
    }
}
