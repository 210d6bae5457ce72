import WardenSQLCore

/// The class of each kind of PostgreSQL statement, by its parse-tree node.
/// A statement kind not listed here is `unknown`.
enum SQLStatementKinds {
    static func verdict(for node: ParseNode) -> SQLVerdict {
        let command = SQLCommandName.of(node)
        switch node.type {
        case "AlterTableStmt":
            return alterTable(node, command: command)
        case "DropStmt":
            return drop(node, command: command)
        case "RenameStmt" where node.string("renameType") == "OBJECT_ROLE":
            return SQLVerdict(.dcl, "ALTER ROLE … RENAME changes who may do what")
        case "TruncateStmt":
            return SQLVerdict(.ddl, "TRUNCATE removes every row")
        case "CreateTableAsStmt":
            return SQLVerdict(.ddl, node.string("objtype") == "OBJECT_MATVIEW"
                ? "CREATE MATERIALIZED VIEW creates a view and runs its query" : "CREATE TABLE AS creates a table")
        case _ where dcl.contains(node.type):
            return SQLVerdict(.dcl, "\(command) changes who may do what")
        case _ where admin.contains(node.type):
            return SQLVerdict(.admin, "\(command) acts on the server itself")
        case _ where ddl.contains(node.type):
            return SQLVerdict(.ddl, "\(command) changes the schema")
        case _ where transaction.contains(node.type):
            return SQLVerdict(.transaction, "\(command) controls the transaction or session")
        case _ where read.contains(node.type):
            return .read("\(command) reads or signals without changing data")
        case "LockStmt":
            return SQLVerdict(.write, "LOCK takes table locks that block writers")
        case "DoStmt":
            return .unknown("DO runs arbitrary procedural code")
        case "CallStmt":
            return .unknown("CALL runs a procedure whose effects are not visible here")
        case "ExecuteStmt":
            return .unknown("EXECUTE runs a prepared statement whose text is not visible here")
        default:
            return .unknown("\(command) is not a statement Warden knows how to judge")
        }
    }

    private static func alterTable(_ node: ParseNode, command: String) -> SQLVerdict {
        let accessControl: Set<String> = [
            "AT_ChangeOwner", "AT_EnableRowSecurity", "AT_DisableRowSecurity", "AT_ForceRowSecurity",
            "AT_NoForceRowSecurity",
        ]
        if node.nodes("cmds").contains(where: { accessControl.contains($0.string("subtype") ?? "") }) {
            return SQLVerdict(.dcl, "ALTER … OWNER TO or ROW LEVEL SECURITY changes access control")
        }
        return SQLVerdict(.ddl, "\(command) changes the schema")
    }

    private static func drop(_ node: ParseNode, command: String) -> SQLVerdict {
        let kind = node.string("removeType") ?? ""
        if ["OBJECT_EXTENSION", "OBJECT_LANGUAGE", "OBJECT_SUBSCRIPTION", "OBJECT_EVENT_TRIGGER", "OBJECT_FDW",
            "OBJECT_FOREIGN_SERVER", "OBJECT_ACCESS_METHOD"].contains(kind) {
            return SQLVerdict(.admin, "\(command) changes the server itself")
        }
        if kind == "OBJECT_POLICY" { return SQLVerdict(.dcl, "DROP POLICY changes who may do what") }
        return SQLVerdict(.ddl, "\(command) changes the schema")
    }

    static let dcl: Set<String> = [
        "GrantStmt", "GrantRoleStmt", "AlterDefaultPrivilegesStmt", "CreateRoleStmt", "AlterRoleStmt",
        "AlterRoleSetStmt", "DropRoleStmt", "ReassignOwnedStmt", "DropOwnedStmt", "AlterOwnerStmt", "SecLabelStmt",
        "CreatePolicyStmt", "AlterPolicyStmt", "CreateUserMappingStmt", "AlterUserMappingStmt", "DropUserMappingStmt",
    ]

    /// Extensions, languages and access methods run code; subscriptions and
    /// foreign servers connect out; tablespaces are server directories;
    /// databases, ALTER SYSTEM, VACUUM and CHECKPOINT act on the whole server.
    static let admin: Set<String> = [
        "VacuumStmt", "CheckPointStmt", "LoadStmt", "AlterSystemStmt", "CreateExtensionStmt", "AlterExtensionStmt",
        "AlterExtensionContentsStmt", "CreatePLangStmt", "CreateTableSpaceStmt", "DropTableSpaceStmt",
        "AlterTableSpaceOptionsStmt", "AlterTableMoveAllStmt", "CreateSubscriptionStmt", "AlterSubscriptionStmt",
        "DropSubscriptionStmt", "CreatedbStmt", "DropdbStmt", "AlterDatabaseStmt", "AlterDatabaseSetStmt",
        "AlterDatabaseRefreshCollStmt", "CreateEventTrigStmt", "AlterEventTrigStmt", "CreateFdwStmt", "AlterFdwStmt",
        "CreateForeignServerStmt", "AlterForeignServerStmt", "CreateAmStmt", "CreateTransformStmt",
    ]

    static let ddl: Set<String> = [
        "CreateStmt", "CommentStmt", "IndexStmt", "CreateFunctionStmt", "AlterFunctionStmt", "RenameStmt",
        "RuleStmt", "ViewStmt", "CreateDomainStmt", "AlterDomainStmt", "CreateSeqStmt", "AlterSeqStmt",
        "CreateTrigStmt", "DefineStmt", "CompositeTypeStmt", "CreateEnumStmt", "CreateRangeStmt", "AlterEnumStmt",
        "AlterTypeStmt", "CreateSchemaStmt", "AlterObjectSchemaStmt", "AlterObjectDependsStmt", "AlterOperatorStmt",
        "CreateConversionStmt", "CreateCastStmt", "CreateOpClassStmt", "CreateOpFamilyStmt", "AlterOpFamilyStmt",
        "AlterTSDictionaryStmt", "AlterTSConfigurationStmt", "CreateForeignTableStmt", "ImportForeignSchemaStmt",
        "RefreshMatViewStmt", "ReplicaIdentityStmt", "CreatePublicationStmt", "AlterPublicationStmt",
        "CreateStatsStmt", "AlterStatsStmt", "AlterCollationStmt", "ClusterStmt", "ReindexStmt",
    ]

    static let transaction: Set<String> = ["TransactionStmt", "DiscardStmt", "ConstraintsSetStmt"]

    static let read: Set<String> = [
        "VariableShowStmt", "FetchStmt", "ClosePortalStmt", "ListenStmt", "UnlistenStmt", "NotifyStmt",
        "DeallocateStmt",
    ]
}

/// A statement's command as a person would name it (`SELECT`, `DROP`,
/// `CREATE INDEX`), from its parse-tree node rather than its text, so that
/// comments and letter case cannot change it. Approvals granted for a time
/// cover the same command only.
enum SQLCommandName {
    private static let names: [String: String] = [
        "SelectStmt": "SELECT", "InsertStmt": "INSERT", "UpdateStmt": "UPDATE", "DeleteStmt": "DELETE",
        "MergeStmt": "MERGE", "ExplainStmt": "EXPLAIN", "PrepareStmt": "PREPARE", "ExecuteStmt": "EXECUTE",
        "DeallocateStmt": "DEALLOCATE", "DeclareCursorStmt": "DECLARE", "FetchStmt": "FETCH",
        "ClosePortalStmt": "CLOSE", "CopyStmt": "COPY", "VariableSetStmt": "SET", "VariableShowStmt": "SHOW",
        "TransactionStmt": "TRANSACTION", "DiscardStmt": "DISCARD", "LockStmt": "LOCK", "TruncateStmt": "TRUNCATE",
        "DropStmt": "DROP", "CreateStmt": "CREATE TABLE", "IndexStmt": "CREATE INDEX", "ViewStmt": "CREATE VIEW",
        "CreateTableAsStmt": "CREATE TABLE AS", "GrantStmt": "GRANT", "GrantRoleStmt": "GRANT ROLE",
        "VacuumStmt": "VACUUM", "CheckPointStmt": "CHECKPOINT", "DoStmt": "DO", "CallStmt": "CALL",
        "ListenStmt": "LISTEN", "UnlistenStmt": "UNLISTEN", "NotifyStmt": "NOTIFY", "LoadStmt": "LOAD",
        "CommentStmt": "COMMENT", "ClusterStmt": "CLUSTER", "ReindexStmt": "REINDEX",
        "AlterSystemStmt": "ALTER SYSTEM", "ConstraintsSetStmt": "SET CONSTRAINTS",
    ]

    static func of(_ node: ParseNode) -> String {
        if let name = names[node.type] { return name }
        // `AlterDefaultPrivilegesStmt` → `ALTER DEFAULT PRIVILEGES`.
        var words: [String] = []
        for character in node.type.replacingSuffix("Stmt") {
            if character.isUppercase || words.isEmpty { words.append("") }
            words[words.count - 1].append(character)
        }
        return words.joined(separator: " ").uppercased()
    }
}

extension String {
    fileprivate func replacingSuffix(_ suffix: String) -> Substring {
        hasSuffix(suffix) ? dropLast(suffix.count) : self[...]
    }
}
