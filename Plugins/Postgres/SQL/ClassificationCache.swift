import WardenPluginSDK

/// The policy actions of statement texts a session sent before.
///
/// Drivers send the same texts again and again: a prepared statement's every
/// execution, the unnamed statement an ORM parses for each query. Classifying
/// is a pure function of the text, so its result can be kept; the cache is
/// per session and bounded, and starts over when full rather than tracking
/// which entry is oldest.
struct ClassificationCache {
    private var actions: [String: Action] = [:]
    let capacity: Int

    init(capacity: Int = 256) {
        self.capacity = capacity
    }

    var count: Int { actions.count }

    /// The action for `text`, classified now unless it was before.
    mutating func action(for text: String) -> Action {
        if let known = actions[text] { return known }
        let action = SQLClassifier.classify(text).action(for: text)
        if actions.count >= capacity { actions.removeAll(keepingCapacity: true) }
        actions[text] = action
        return action
    }
}
