import CWardenPlugin

/// A plugin's action, copied out of the borrowed C descriptor.
public struct ActionDescriptor: Sendable, Equatable {
    public var kind: UInt32
    public var classification: UInt32
    public var risk: UInt32
    public var text: String
    public var targets: [String]
    public var attributes: [String: String]

    init(_ action: warden_action) {
        kind = action.kind
        classification = action.classification
        risk = action.risk
        text = action.text.text
        targets = UnsafeBufferPointer(start: action.targets, count: action.targets == nil ? 0 : action.target_count)
            .map(\.text)
        var attributes: [String: String] = [:]
        for pair in UnsafeBufferPointer(start: action.attributes, count: action.attributes == nil ? 0 : action.attribute_count) {
            attributes[pair.key.text] = pair.value.text
        }
        self.attributes = attributes
    }
}

extension ActionDescriptor {
    /// The attribute by which a plugin asks for a denial whatever the rules
    /// say, its value the reason. A plugin may only make a verdict stricter.
    public static let refusalAttribute = "refuse"

    /// The classification's name, as rules and records spell it.
    public var className: String {
        switch warden_action_class(rawValue: classification) {
        case WARDEN_CLASS_READ: "read"
        case WARDEN_CLASS_WRITE: "write"
        case WARDEN_CLASS_DDL: "ddl"
        case WARDEN_CLASS_DCL: "dcl"
        case WARDEN_CLASS_ADMIN: "admin"
        case WARDEN_CLASS_TRANSACTION: "transaction"
        case WARDEN_CLASS_DELETE: "delete"
        case WARDEN_CLASS_EXEC: "exec"
        default: "unknown"  // whatever the plugin could not classify is treated as unknown
        }
    }

    /// The risk's name; an unset risk is derived from the class.
    public var riskName: String {
        switch warden_risk(rawValue: risk) {
        case WARDEN_RISK_LOW: "low"
        case WARDEN_RISK_MEDIUM: "medium"
        case WARDEN_RISK_HIGH: "high"
        case WARDEN_RISK_CRITICAL: "critical"
        default:
            switch className {
            case "read", "transaction": "low"
            case "write": "medium"
            case "delete": "high"
            default: "critical"
            }
        }
    }

    /// The kind of action (`warden_action_kind`); nil for one this host does not know.
    public var actionKind: ActionKind? { ActionKind(abiKind: kind) }
}
