import Foundation

/// Something to write to the record. Sessions emit these without waiting;
/// one writer applies them in order.
public enum RecordEvent: Sendable {
    case sessionStarted(SessionRecord)
    /// `reason` says why when the gateway ended it (the token expired).
    case sessionEnded(sessionID: String, at: Date, reason: String? = nil)
    case statementStarted(StatementRecord)
    case statementFinished(sessionID: String, sequence: Int, durationMilliseconds: Double, rows: Int,
                           summary: String, errorCode: String?, errorMessage: String?, result: ResultTable?)
}

/// One client session as recorded.
public struct SessionRecord: Sendable, Equatable {
    public var id: String
    public var startedAt: Date
    public var endedAt: Date?
    public var listener: String
    public var clientAddress: String
    public var connection: String
    public var clientUser: String
    public var subject: String?
    public var groups: [String]
    /// `open`, `ended`, or `refused`.
    public var status: String
    /// Why the session was refused, or why the gateway ended it, when it did.
    public var reason: String?
}

/// One statement (or request) as recorded.
public struct StatementRecord: Sendable, Equatable {
    public var sessionID: String
    public var sequence: Int
    public var startedAt: Date
    public var text: String
    /// `allow` or `deny`.
    public var verdict: String
    public var reason: String?
    public var durationMilliseconds: Double?
    public var rows: Int?
    public var summary: String?
    public var errorCode: String?
    public var errorMessage: String?
    /// Who approved the statement, when a human did.
    public var approval: String?
    /// What the client received, up to the capture limit; `nil` when the
    /// statement returned no table or nothing was captured.
    public var result: ResultTable?
    /// What the plugin said of the action; nil in records written before
    /// the store kept it.
    public var facts: ActionFacts? = nil
}

/// What a plugin said of one action, as records and the audit trail keep
/// it, whatever its protocol.
public struct ActionFacts: Sendable, Equatable {
    /// `sql`, `http`, `kubernetes`, or the number of a kind this host does not know.
    public var kind: String
    public var className: String
    public var risk: String
    public var targets: [String]
    /// The protocol's own facts (`command`; `method`, `path`; `verb`,
    /// `namespace`), without the normalized text, which the text stands for.
    public var attributes: [String: String]

    public init(kind: String, className: String, risk: String, targets: [String], attributes: [String: String]) {
        self.kind = kind
        self.className = className
        self.risk = risk
        self.targets = targets
        self.attributes = attributes
    }

    /// The attributes as one canonical JSON object (keys sorted), as the
    /// record's column and the audit event both hold them.
    public var attributesJSON: String { CanonicalJSON.object(attributes) }

    /// The targets as the record's column holds them: a JSON array.
    var targetsJSON: String { "[" + targets.map(CanonicalJSON.string).joined(separator: ",") + "]" }

    init?(kind: String?, className: String?, risk: String?, targetsJSON: String?, attributesJSON: String?) {
        guard let kind, let className, let risk else { return nil }
        let targets = targetsJSON.flatMap { try? JSONDecoder().decode([String].self, from: Data($0.utf8)) } ?? []
        let attributes = attributesJSON.flatMap { try? JSONDecoder().decode([String: String].self, from: Data($0.utf8)) } ?? [:]
        self.init(kind: kind, className: className, risk: risk, targets: targets, attributes: attributes)
    }
}

extension RecordEvent {
    /// Roughly what the event holds, in bytes: a result captured for replay
    /// is most of a large one.
    var weight: Int {
        switch self {
        case .sessionStarted: 256
        case .sessionEnded: 64
        case .statementStarted(let statement):
            // Attributes can be as large as a request's head (red team: 60 KiB Hosts).
            256 + statement.text.utf8.count + (statement.reason?.utf8.count ?? 0) + (statement.facts?.weight ?? 0)
                + (statement.result?.weight ?? 0)
        case .statementFinished(_, _, _, _, let summary, _, let message, let result):
            128 + summary.utf8.count + (message?.utf8.count ?? 0) + (result?.weight ?? 0)
        }
    }
}

extension ActionFacts {
    /// Its strings' bytes, and a few for each.
    var weight: Int {
        targets.reduce(64) { $0 + $1.utf8.count + 16 } + attributes.reduce(0) { $0 + $1.key.utf8.count + $1.value.utf8.count + 32 }
    }
}

extension AuditEntry {
    /// Its strings' bytes, and a few for each: an event about an action copies the action's facts.
    var weight: Int {
        128 + kind.utf8.count + actor.utf8.count + detail.reduce(0) { $0 + $1.key.utf8.count + $1.value.utf8.count + 32 }
    }
}

extension ResultTable {
    /// Its values' bytes, and a few for each.
    var weight: Int {
        columns.reduce(0) { $0 + $1.utf8.count + 16 }
            + rows.reduce(0) { total, row in row.reduce(total) { $0 + ($1?.utf8.count ?? 0) + 16 } }
    }
}
