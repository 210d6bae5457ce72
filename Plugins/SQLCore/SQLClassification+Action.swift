import WardenPluginSDK

extension SQLClassification {
    /// The policy action for one Query message. The text is what the client
    /// sent, exactly, for the record and replay; the normalized form goes
    /// along as the `normalized` attribute for rules that match on text.
    ///
    /// `reason` says why the most dangerous statement got its class and risk
    /// (shown to approvers); `command` names the statements' commands, so
    /// that an approval's time window covers the same command only; `refuse`
    /// asks the host to deny whatever its rules say (see ``PinnedSettings``).
    package func action(for statement: String) -> Action {
        var attributes = [(key: "normalized", value: normalized)]
        if let riskiest = statements.max(by: { ($0.risk, $0.classification) < ($1.risk, $1.classification) }) {
            attributes.append((key: "reason", value: riskiest.reason))
        }
        attributes.append((key: "command", value: commands.joined(separator: ",")))
        if let refusal { attributes.append((key: "refuse", value: refusal)) }
        if sendsBinaryRows { attributes.append((key: "binary_results", value: "1")) }
        return Action(
            kind: .statement, classification: classification.sdkClass, risk: risk.sdkRisk, text: statement,
            targets: targets, attributes: attributes)
    }

    /// Each statement's command, each once.
    package var commands: [String] {
        var seen: Set<String> = []
        return statements.map(\.command).filter { seen.insert($0).inserted }
    }
}

extension StatementClass {
    package var sdkClass: Action.Classification {
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
    package var sdkRisk: Action.Risk {
        switch self {
        case .low: .low
        case .medium: .medium
        case .high: .high
        case .critical: .critical
        }
    }
}
