/// What the machine remembers of the extended query protocol in one session.
struct ExtendedProtocolState: Equatable, Sendable {
    struct PreparedStatement: Equatable, Sendable {
        var text: String
        /// The id of the verdict given at Parse, until the first Execute uses
        /// it; later executions ask for a verdict of their own.
        var unusedActionID: UInt64?
        /// What each execution does to statement and portal names, read
        /// once at Parse rather than at every execution.
        var namespaceChanges = NamespaceChanges()
    }

    /// A client message waiting for a verdict.
    enum Pending: Equatable, Sendable {
        case parse(frame: PostgresFrame, name: String, text: String)
        case execute(frame: PostgresFrame, portal: String, text: String)
    }

    /// A refusal Warden answers in the upstream's place: the upstream is sent
    /// a Parse it must reject, so that its error lands exactly where the
    /// refused message was and it skips to Sync as it would after any error;
    /// that error is then replaced with this one.
    struct UnconfirmedParse: Equatable, Sendable {
        var name: ExactText
        var previous: PreparedStatement?
        /// The batch it belongs to (Syncs sent before it): only that
        /// batch's ReadyForQuery says it was refused or skipped.
        var batch: Int
    }

    /// A Bind not yet confirmed, like ``UnconfirmedParse``.
    struct UnconfirmedBind: Equatable, Sendable {
        var portal: ExactText
        var previous: String?
        var batch: Int
    }

    struct PendingDescribe: Equatable, Sendable {
        var syncsBefore: Int
        var injected: Bool
        /// For Warden's own Describe: what the execution's results carry.
        var plan: OutputPlan? = nil
    }

    struct InjectedRefusal: Equatable, Sendable {
        var marker: String
        var response: [UInt8]
    }

    /// By name, compared byte for byte as PostgreSQL does (see ``ExactText``).
    var statements: [ExactText: PreparedStatement] = [:]
    /// Portal name → statement name.
    var portals: [ExactText: String] = [:]
    /// Client Parses forwarded and not yet confirmed by ParseComplete, oldest
    /// first, with what their name meant before: a Parse the upstream refuses
    /// (a name already in use) must not change what the name executes.
    var unconfirmedParses: [UnconfirmedParse] = []
    /// Client Binds forwarded and not yet confirmed by BindComplete, oldest
    /// first, with what their portal name meant before: a Bind the upstream
    /// refuses (a SQL cursor of that name exists) must not make the name
    /// stand for its statement.
    var unconfirmedBinds: [UnconfirmedBind] = []
    var pending: Pending?
    /// Executes forwarded and not yet complete, in order.
    var executions: [StatementTracker] = []
    var refusals: [InjectedRefusal] = []
    /// After a refusal, client messages are dropped up to Sync.
    var refusing = false
    /// Syncs forwarded whose ReadyForQuery has not arrived.
    var outstandingSyncs = 0
    /// With masking: the Describes sent upstream whose RowDescription or
    /// NoData has not arrived, oldest first, each with the number of Syncs
    /// sent before it (after an error the upstream skips to Sync and never
    /// answers them) and whether Warden sent it.
    ///
    /// Warden describes every portal right before executing it, so that its
    /// rows are masked with their own fields, whatever the client described.
    var describes: [PendingDescribe] = []
    var syncsSent = 0
    var syncsAnswered = 0
    /// Extended-protocol messages came since the last Sync: a batch is open.
    var batchOpen = false
    /// The open batch failed upstream: the server skips its messages up to Sync.
    var currentBatchFailed = false
    /// The batch (counted in Syncs sent before it) of the latest Bind or
    /// Execute, which may have run code that changed a pinned setting; nil
    /// once the settings are known to be pinned again. See ``SettingsCheck``.
    var codeBatch: Int?
    /// The settings check the next Parse waits for.
    var settingsCheck: SettingsCheck?
    private var refusalCount = 0

    /// Upstream answers must go through ``PostgresSessionMachine/observeExtendedResult(_:_:)``:
    /// extended work is in flight, or a refusal, Parse or Bind awaits its answer.
    var awaitsAnswers: Bool {
        !isIdle || !refusals.isEmpty || !unconfirmedParses.isEmpty || !unconfirmedBinds.isEmpty
    }

    /// Nothing of an extended batch is in flight: a simple Query may go.
    var isIdle: Bool { pending == nil && executions.isEmpty && outstandingSyncs == 0 }

    /// Forgets the names a statement's SQL changes (see ``NamespaceChanges``).
    mutating func apply(_ changes: NamespaceChanges) {
        if changes.allStatements { statements.removeAll() }
        for name in changes.statements { statements[ExactText(name)] = nil }
        if changes.allPortals { portals.removeAll() }
        for name in changes.portals { portals[ExactText(name)] = nil }
    }

    mutating func nextMarker() -> String {
        refusalCount += 1
        return "warden_refused_\(refusalCount)"
    }
}

/// Decoders of the extended-protocol client messages Warden needs to read.
enum ExtendedMessages {
    /// Parse: statement name, query text, parameter type OIDs.
    static func parse(_ body: ArraySlice<UInt8>) -> (name: String, text: String)? {
        var reader = ByteReader(body)
        guard let name = reader.readCStringBytes(), let text = reader.readCStringBytes(),
              let name = String(validating: name, as: UTF8.self), let text = String(validating: text, as: UTF8.self)
        else { return nil }
        return (name, text)
    }

    /// Bind: portal, statement, parameter formats and values, result formats.
    static func bind(_ body: ArraySlice<UInt8>) -> (portal: String, statement: String, binaryResults: Bool)? {
        var reader = ByteReader(body)
        guard let portal = reader.readCString(), let statement = reader.readCString(),
              let formatCount = reader.readInt16(), formatCount >= 0, reader.readBytes(2 * Int(formatCount)) != nil,
              let valueCount = reader.readInt16(), valueCount >= 0
        else { return nil }
        for _ in 0..<valueCount {
            guard let length = reader.readInt32() else { return nil }
            if length > 0, reader.readBytes(Int(length)) == nil { return nil }
        }
        guard let resultCount = reader.readInt16(), resultCount >= 0 else { return nil }
        var binary = false
        for _ in 0..<resultCount {
            guard let format = reader.readInt16() else { return nil }
            if format != 0 { binary = true }
        }
        return (portal, statement, binary)
    }

    /// Execute: portal name, row limit.
    static func executePortal(_ body: ArraySlice<UInt8>) -> String? {
        var reader = ByteReader(body)
        return reader.readCString()
    }

    /// Close: 'S' statement or 'P' portal, and its name.
    static func close(_ body: ArraySlice<UInt8>) -> (statement: Bool, name: String)? {
        var reader = ByteReader(body)
        guard let kind = reader.readUInt8(), let name = reader.readCString() else { return nil }
        return (kind == UInt8(ascii: "S"), name)
    }
}
