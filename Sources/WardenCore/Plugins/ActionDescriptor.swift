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
