/// What a statement does, for policy. Ordered by danger:
/// read < transaction < write < ddl < dcl < admin < unknown.
package enum StatementClass: String, Sendable, CaseIterable, Comparable {
    case read, write, ddl, dcl, admin, transaction, unknown

    /// The position in the danger order; `unknown` is the riskiest because
    /// it is whatever the classifier could not rule out.
    package var dangerRank: Int {
        switch self {
        case .read: 0
        case .transaction: 1
        case .write: 2
        case .ddl: 3
        case .dcl: 4
        case .admin: 5
        case .unknown: 6
        }
    }

    /// The risk of a statement of this class unless something raises it
    /// (a write without WHERE is high rather than medium).
    package var baselineRisk: SQLRisk {
        switch self {
        case .read, .transaction: .low
        case .write: .medium
        case .ddl: .high
        case .dcl, .admin, .unknown: .critical
        }
    }

    package static func < (lhs: StatementClass, rhs: StatementClass) -> Bool {
        lhs.dangerRank < rhs.dangerRank
    }
}

/// How much harm a statement can do, for rules that match on risk.
package enum SQLRisk: Int, Sendable, Comparable {
    case low = 1, medium, high, critical

    package static func < (lhs: SQLRisk, rhs: SQLRisk) -> Bool {
        lhs.rawValue < rhs.rawValue
    }
}

/// The classification of one statement of a message.
package struct StatementClassification: Equatable, Sendable {
    package var classification: StatementClass
    package var risk: SQLRisk
    /// Tables the statement names, in any position: real tables, not CTEs.
    package var targets: [String]
    /// The command, from the parse tree (`SELECT`, `DROP`, `CREATE INDEX`).
    package var command: String
    /// Why the statement got its class and risk, for the client and the audit trail.
    package var reason: String

    package init(classification: StatementClass, risk: SQLRisk, targets: [String], command: String, reason: String) {
        self.classification = classification
        self.risk = risk
        self.targets = targets
        self.command = command
        self.reason = reason
    }
}

/// The classification of everything a client sent in one message.
package struct SQLClassification: Equatable, Sendable {
    /// One per statement, as PostgreSQL's parser splits the message.
    package var statements: [StatementClassification]
    /// The most dangerous class among the statements.
    package var classification: StatementClass
    /// The highest risk among the statements.
    package var risk: SQLRisk
    /// Every statement's targets, deduplicated, in order of appearance.
    package var targets: [String]
    /// The text with every constant replaced by a parameter (`$1`), as
    /// PostgreSQL's parser normalizes it: what rules' patterns match, and
    /// the key under which statements of the same shape share a verdict.
    package var normalized: String
    /// Set when the message must be refused whatever the rules say: it would
    /// change how the server reads statements (see ``PinnedSettings``).
    package var refusal: String?
    /// The verdict read a constant's value; see ``SQLTreeAnalyzer``.
    package var dependsOnConstants = false
    /// The message declares a binary cursor or copies out in binary.
    package var sendsBinaryRows = false

    /// Aggregates `statements`. A message without statements does nothing,
    /// so it is a low-risk read.
    package init(statements: [StatementClassification], normalized: String) {
        self.statements = statements
        self.classification = statements.map(\.classification).max() ?? .read
        self.risk = statements.map(\.risk).max() ?? .low
        var seen: Set<String> = []
        self.targets = statements.flatMap(\.targets).filter { seen.insert($0).inserted }
        self.normalized = normalized
    }
}
