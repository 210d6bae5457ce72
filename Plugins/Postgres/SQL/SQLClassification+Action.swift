import WardenPluginSDK

extension SQLClassification {
    /// The policy action for one Query message. The text is what the client
    /// sent, exactly, for the record and replay; the normalized form goes
    /// along as the `normalized` attribute for rules that match on text.
    func action(for statement: String) -> Action {
        Action(
            kind: .statement, classification: classification.sdkClass, risk: risk.sdkRisk, text: statement,
            targets: targets, attributes: [(key: "normalized", value: normalized)])
    }
}

extension StatementClass {
    var sdkClass: Action.Classification {
        switch self {
        case .read: .read
        case .write: .write
        case .ddl: .ddl
        case .dcl: .dcl
        case .admin: .admin
        case .transaction: .transaction
        case .unknown: .unknown
        }
    }
}

extension SQLRisk {
    var sdkRisk: Action.Risk {
        switch self {
        case .low: .low
        case .medium: .medium
        case .high: .high
        case .critical: .critical
        }
    }
}
