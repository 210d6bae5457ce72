/// Where result columns come from: for each (table OID, column number) of
/// the relations that hold masked data, the `schema.table.column` a rule
/// sees as its source, or that the column is computed from masked data.
///
/// Filled once per session, before the client's first statement, by catalog
/// queries on the upstream connection (RowDescription carries only the
/// OIDs): every table with a column masking rules name, every view and
/// materialized view that reads one (however deep), and every user-defined
/// function, whose body ``MaskedCode`` reads. A view is reported by
/// PostgreSQL as the source of its own columns, so each view's definition is
/// read (``ViewColumn``): a column that is a plain reference to a masked
/// column takes that column's source, and so its rule; one computed from
/// masked data is redacted whole, as a computed result column is.
///
/// Relations created later in the session are not in it: statements that
/// would create them over masked data are refused (see
/// ``MaskedDataFlow/copyRefusal(_:calls:touchesMaskedData:)``), and the
/// content detectors still apply to anything else.
struct SourceCatalog: Equatable, Sendable {
    struct Key: Hashable, Sendable {
        var table: UInt32
        var column: Int16
    }

    /// What a column holds, as far as masking is concerned.
    enum Origin: Equatable, Sendable {
        /// The value of this `schema.table.column` (its own, or the one a view reads).
        case source(String)
        /// A value a view computes from masked data: redacted whole.
        case computed
    }

    struct Column: Equatable, Sendable {
        var name: String
        var number: Int16
        /// The name lowercased, as masked names are.
        var key: String
    }

    /// A table, view or materialized view the catalog query returned.
    struct Relation: Equatable, Sendable {
        var oid: UInt32
        var schema: String
        var name: String
        var columns: [Column] = []
        /// A view's or materialized view's query, as `pg_get_viewdef` prints it.
        var definition: String?
    }

    /// A user-defined function or procedure, for ``MaskedCode``.
    struct Function: Equatable, Sendable {
        /// Lowercased, without its schema: calls are matched by name alone.
        var name: String
        var language: String
        /// `CREATE FUNCTION …` as `pg_get_functiondef` prints it.
        var definition: String
    }

    /// In the order received: views after everything they read.
    private(set) var relations: [Relation] = []
    private(set) var functions: [Function] = []
    /// Each relation's index in ``relations``, under `schema.table` and
    /// under `table`, lowercased (two schemas may share a table name).
    private var indices: [String: [Int]] = [:]
    private var origins: [Key: Origin] = [:]

    /// Column names that carry masked data: the rules' names and, once
    /// ``resolve()`` has read the views, view columns that read or compute
    /// masked values. Lowercased.
    private(set) var maskedNames: Set<String>
    private let ruleNames: Set<String>
    /// User-defined functions whose results may hold masked data, by name.
    private(set) var maskedFunctions: Set<String> = []
    /// Among them, those that run SQL Warden cannot see (``MaskedCode/Reading/unseenSQL``).
    private(set) var unseenSQLFunctions: Set<String> = []

    init(ruleNames: Set<String> = []) {
        self.ruleNames = ruleNames
        self.maskedNames = ruleNames
    }

    func origin(table: UInt32, column: Int16) -> Origin? {
        origins[Key(table: table, column: column)]
    }

    /// The relation a name written in a statement (`people`, `public.people`,
    /// `db.public.people`) stands for, unless none or several have it.
    func relation(named table: String) -> Relation? {
        guard let found = indices[TableName.withoutCatalog(table)], found.count == 1 else { return nil }
        return relations[found[0]]
    }

    /// The columns of `table` (as written in a COPY statement), in order.
    func columns(ofTable table: String) -> [String]? {
        relation(named: table)?.columns.map(\.name)
    }

    /// Whether a relation of that name may hold masked data (with a bare
    /// name shared by several schemas: whether any of them does).
    func holdsMaskedData(_ table: String, names: Set<String>) -> Bool {
        // Once per relation a statement names: no copies.
        guard let found = indices[TableName.withoutCatalog(table)] else { return false }
        return found.contains { index in relations[index].columns.contains { names.contains($0.key) } }
    }

    /// Whether any relation in `schema` holds masked data.
    func schemaHoldsMaskedData(_ schema: String) -> Bool {
        relations.contains { relation in
            relation.schema.lowercased() == schema.lowercased()
                && relation.columns.contains { maskedNames.contains($0.key) }
        }
    }

    /// The bare names of relations that hold columns of `names`, lowercased.
    func maskedRelationNames(names: Set<String>) -> Set<String> {
        Set(relations.filter { $0.columns.contains { names.contains($0.key) } }.map { $0.name.lowercased() })
    }

    /// Adds one row of ``query(columnNames:)``: a column of a relation, with
    /// the relation's definition on its first column when it is a view.
    mutating func add(row values: [ArraySlice<UInt8>?]) {
        let texts = values.map { $0.map { String(decoding: $0, as: UTF8.self) } }
        guard texts.count == 5 || texts.count == 7, let oidText = texts[0], let numberText = texts[1],
              let schema = texts[2], let table = texts[3], let column = texts[4],
              let oid = UInt32(oidText), let number = Int16(numberText)
        else { return }
        if relations.last?.oid != oid {
            relations.append(Relation(oid: oid, schema: schema, name: table))
            for name in ["\(schema).\(table)", table] {
                indices[name.lowercased(), default: []].append(relations.count - 1)
            }
        }
        relations[relations.count - 1].columns.append(Column(name: column, number: number, key: column.lowercased()))
        if texts.count == 7, let definition = texts[6] { relations[relations.count - 1].definition = definition }
        origins[Key(table: oid, column: number)] = .source("\(schema).\(table).\(column)")
    }

    /// Adds one row of ``functionsQuery``.
    mutating func addFunction(row values: [ArraySlice<UInt8>?]) {
        let texts = values.map { $0.map { String(decoding: $0, as: UTF8.self) } }
        guard texts.count == 3, let name = texts[0], let language = texts[1], let definition = texts[2] else { return }
        functions.append(Function(name: name.lowercased(), language: language.lowercased(), definition: definition))
    }

    /// Reads the views' definitions and the functions' bodies, once every
    /// row has arrived. Views may call functions and functions may read
    /// views, so both are read again until neither finds anything new.
    mutating func resolve() {
        var found: Set<String> = []
        // Each round finds at least one more function, or ends.
        for _ in 0...functions.count {
            readViews(maskedFunctions: found)
            let words = MaskedCode.words(
                maskedNames: maskedNames, relations: maskedRelationNames(names: maskedNames), functions: found)
            let next = MaskedCode.maskedFunctions(functions, words: words)
            unseenSQLFunctions = next.unseenSQL
            if next.masked == found { return }
            found = next.masked
        }
        readViews(maskedFunctions: found)
    }

    private mutating func readViews(maskedFunctions: Set<String>) {
        self.maskedFunctions = maskedFunctions
        maskedNames = ruleNames
        for relation in relations {
            for column in relation.columns {
                origins[Key(table: relation.oid, column: column.number)] = .source("\(relation.schema).\(relation.name).\(column.name)")
            }
        }
        // In dependency order: a view over a view finds that one read already.
        for relation in relations {
            guard let definition = relation.definition else { continue }
            let read = MaskedDataFlow(maskedNames: maskedNames, catalog: self)
                .viewColumns(definition: definition, count: relation.columns.count)
            for (column, carried) in zip(relation.columns, read) {
                let key = Key(table: relation.oid, column: column.number)
                switch carried {
                case .clean:
                    continue
                case .reads(let base):
                    origins[key] = origins[base] ?? .computed
                case .computed:
                    origins[key] = .computed
                }
                maskedNames.insert(column.key)
            }
        }
    }
}

extension SourceCatalog {
    /// The query that fills the catalog: every column of every table that
    /// has a column named in `columnNames`, and of every view and
    /// materialized view that reads one of those, or a view that reads
    /// them, or a user-defined function (``functionsQuery``), with each
    /// view's definition. Ordered so that a view comes after what it reads
    /// (by its longest chain of views). Names that are not plain identifiers
    /// are left out rather than quoted. The system schemas hold no user
    /// data and are skipped.
    static func query(columnNames: [String]) -> String? {
        let names = columnNames.map { $0.lowercased() }.filter { name in
            !name.isEmpty && name.utf8.allSatisfy { (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x5F || $0 == 0x24 }
        }
        guard !names.isEmpty else { return nil }
        let list = names.map { "'\($0)'" }.joined(separator: ",")
        return """
            WITH RECURSIVE named(oid) AS (\
            SELECT a.attrelid FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid = a.attrelid \
            JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
            WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') AND a.attnum > 0 AND NOT a.attisdropped AND pg_catalog.lower(a.attname) = ANY (ARRAY[\(list)]) \
            UNION SELECT r.ev_class FROM pg_catalog.pg_depend d JOIN pg_catalog.pg_rewrite r ON r.oid = d.objid \
            WHERE d.classid = 'pg_catalog.pg_rewrite'::pg_catalog.regclass \
            AND d.refclassid = 'pg_catalog.pg_proc'::pg_catalog.regclass AND d.refobjid IN (\(userFunctions))), \
            readers(oid, depth) AS (SELECT oid, 0 FROM named \
            UNION SELECT r.ev_class, x.depth + 1 FROM readers x \
            JOIN pg_catalog.pg_depend d ON d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.refobjid = x.oid \
            AND d.classid = 'pg_catalog.pg_rewrite'::pg_catalog.regclass \
            JOIN pg_catalog.pg_rewrite r ON r.oid = d.objid \
            WHERE r.ev_class <> x.oid AND x.depth < \(maximumViewDepth)), \
            deepest AS (SELECT oid, pg_catalog.max(depth) AS depth FROM readers GROUP BY oid) \
            SELECT a.attrelid::pg_catalog.int8, a.attnum, n.nspname, c.relname, a.attname, x.depth, \
            CASE WHEN a.attnum = 1 AND c.relkind IN ('v', 'm') THEN pg_catalog.pg_get_viewdef(c.oid) END \
            FROM deepest x JOIN pg_catalog.pg_class c ON c.oid = x.oid \
            JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
            JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid \
            WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p', 'f', 'v', 'm') \
            AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') \
            ORDER BY x.depth, 1, 2
            """
    }

    /// Views nested deeper than this are not read (a cycle of views, which
    /// PostgreSQL lets `CREATE OR REPLACE VIEW` build, ends here).
    static let maximumViewDepth = 100

    /// The user-defined functions and procedures whose bodies are read:
    /// every one outside the system schemas and extensions, in any language
    /// but C (only a superuser can create one, and none runs SQL text that
    /// Warden could read anyway).
    static let userFunctions = """
        SELECT p.oid FROM pg_catalog.pg_proc p \
        JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace \
        JOIN pg_catalog.pg_language l ON l.oid = p.prolang \
        WHERE p.prokind IN ('f', 'p') AND l.lanname NOT IN ('c', 'internal') \
        AND n.nspname NOT IN ('pg_catalog', 'information_schema') \
        AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend e \
        WHERE e.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass AND e.objid = p.oid AND e.deptype = 'e')
        """

    /// Each user-defined function's name, language and definition.
    static let functionsQuery = """
        SELECT p.proname, l.lanname, pg_catalog.pg_get_functiondef(p.oid) \
        FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_language l ON l.oid = p.prolang \
        WHERE p.oid IN (\(userFunctions))
        """
}
