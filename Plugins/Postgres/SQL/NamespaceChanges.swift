/// What a statement does to the names the extended protocol uses: SQL
/// `PREPARE`, `DEALLOCATE` and `DISCARD ALL` share PostgreSQL's namespace
/// of prepared statements with protocol Parse, and `DECLARE` and `CLOSE`
/// share the namespace of portals with Bind.
///
/// Warden maps a protocol name to the text it decided on; after one of
/// these the name may stand for something else, so the mapping must go (an
/// execution through it is then decided as the unknown `EXECUTE` or `FETCH`
/// it is). The red team ran an approved `UPDATE`, prepared in SQL under the
/// name of an earlier protocol `SELECT 1`, again and again as that `SELECT 1`.
struct NamespaceChanges: Equatable, Sendable {
    var statements: Set<String> = []
    var allStatements = false
    var portals: Set<String> = []
    var allPortals = false

    var isEmpty: Bool { statements.isEmpty && portals.isEmpty && !allStatements && !allPortals }

    /// The words that start such statements; a text without any of them is
    /// not parsed (keywords cannot be spelled with escapes or quotes).
    private static let keywords = ["prepare", "deallocate", "discard", "declare", "close"].map { Array($0.utf8) }

    /// The changes `sql` makes. A text the parser rejects changes nothing:
    /// the server rejects it too.
    static func of(_ sql: String) -> NamespaceChanges {
        guard mayChange(sql), case .success(let statements) = PostgresParser.parse(sql) else { return NamespaceChanges() }
        var changes = NamespaceChanges()
        for statement in statements {
            switch statement.type {
            case "PrepareStmt":
                if let name = statement.string("name") { changes.statements.insert(name) }
            case "DeallocateStmt":
                if let name = statement.string("name") { changes.statements.insert(name) } else { changes.allStatements = true }
            case "DiscardStmt" where statement.string("target") == "DISCARD_ALL":
                changes.allStatements = true
                changes.allPortals = true
            case "DeclareCursorStmt":
                if let name = statement.string("portalname") { changes.portals.insert(name) }
            case "ClosePortalStmt":
                if let name = statement.string("portalname") { changes.portals.insert(name) } else { changes.allPortals = true }
            default:
                break
            }
        }
        return changes
    }

    /// Whether `sql` holds one of ``keywords`` in any letter case.
    static func mayChange(_ sql: String) -> Bool {
        let lowered = sql.utf8.map { (0x41...0x5A).contains($0) ? $0 | 0x20 : $0 }
        return keywords.contains { keyword in
            lowered.indices.contains { start in
                start + keyword.count <= lowered.count && lowered[start..<(start + keyword.count)].elementsEqual(keyword)
            }
        }
    }
}
