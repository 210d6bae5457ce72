/// An action a client wants to perform, described for the host's policy.
public struct Action: Sendable, Equatable {
    public enum Kind: UInt32, Sendable {
        case statement = 1
        case httpRequest = 2
        case kubernetes = 3
    }

    /// Classification shared by every protocol (`warden_action_class`).
    public enum Classification: UInt32, Sendable {
        case unknown = 0
        case read = 1
        case write = 2
        case ddl = 3
        case dcl = 4
        case admin = 5
        case transaction = 6
        /// ABI 1.4: HTTP DELETE, a Kubernetes delete.
        case delete = 7
        /// ABI 1.4: a Kubernetes exec, attach or port-forward.
        case exec = 8
    }

    /// Risk (`warden_risk`); `.unset` lets the host derive it from the class.
    public enum Risk: UInt32, Sendable {
        case unset = 0
        case low = 1
        case medium = 2
        case high = 3
        case critical = 4
    }

    public var kind: Kind
    public var classification: Classification
    public var risk: Risk
    /// Normalized text: SQL, `GET /path`, `delete pods`.
    public var text: String
    /// Tables, paths or resources the action touches, where known.
    public var targets: [String]
    /// Protocol-specific extras such as a Kubernetes namespace.
    public var attributes: [(key: String, value: String)]

    public init(
        kind: Kind, classification: Classification = .unknown, risk: Risk = .unset, text: String,
        targets: [String] = [], attributes: [(key: String, value: String)] = []
    ) {
        self.kind = kind
        self.classification = classification
        self.risk = risk
        self.text = text
        self.targets = targets
        self.attributes = attributes
    }

    public static func == (lhs: Action, rhs: Action) -> Bool {
        lhs.kind == rhs.kind && lhs.classification == rhs.classification && lhs.risk == rhs.risk
            && lhs.text == rhs.text && lhs.targets == rhs.targets
            && lhs.attributes.map(\.key) == rhs.attributes.map(\.key)
            && lhs.attributes.map(\.value) == rhs.attributes.map(\.value)
    }
}

/// How an allowed action ended, reported for the record.
public struct ActionResult: Sendable, Equatable {
    /// The id the host gave in the decision.
    public var actionID: UInt64
    public var rows: UInt64
    public var bytes: UInt64
    /// For example the command tags `SELECT 3`, or `200 OK`.
    public var summary: String
    /// Set when the upstream answered with an error.
    public var error: (code: String, message: String)?
    /// The result the client received, for replay (ABI 1.1); `nil` when the
    /// action returned no table or the session captures none.
    public var table: ResultTable?

    public init(
        actionID: UInt64, rows: UInt64, bytes: UInt64 = 0, summary: String,
        error: (code: String, message: String)? = nil, table: ResultTable? = nil
    ) {
        self.actionID = actionID
        self.rows = rows
        self.bytes = bytes
        self.summary = summary
        self.error = error
        self.table = table
    }

    public static func == (lhs: ActionResult, rhs: ActionResult) -> Bool {
        lhs.actionID == rhs.actionID && lhs.rows == rhs.rows && lhs.bytes == rhs.bytes
            && lhs.summary == rhs.summary && lhs.error?.code == rhs.error?.code
            && lhs.error?.message == rhs.error?.message && lhs.table == rhs.table
    }
}
