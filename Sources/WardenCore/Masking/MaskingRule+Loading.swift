import WardenJSONMask

extension MaskingRule {
    init(_ node: ConfigNode) throws {
        try node.checkKeys(["columns", "detect", "paths", "masker", "options"])
        let given = try ["columns", "detect", "paths"].filter { !(try node.child($0).isMissing) }
        guard given.count == 1, let key = given.first else {
            throw node.error("give one of columns (which fields), paths (which JSON values) or detect (which content)")
        }
        let selectorNode = try node.child(key)
        let names = try selectorNode.stringOrStrings()
        switch key {
        case "columns":
            guard !names.isEmpty else { throw selectorNode.error("list at least one column") }
            selector = .columns(names.map(ColumnPattern.init))
        case "paths":
            guard !names.isEmpty else { throw selectorNode.error("list at least one JSONPath, such as $..ssn") }
            for path in names {
                do {
                    _ = try JSONPathPattern(path)
                } catch {
                    throw selectorNode.error("'\(path)' is not a JSONPath Warden reads: \(error)")
                }
            }
            selector = .paths(names)
        default:
            guard !names.isEmpty else { throw selectorNode.error("list at least one detector, such as email or card") }
            selector = .detect(names)
        }
        let maskerNode = try node.child("masker")
        let name = try maskerNode.string()
        let parts = name.split(separator: ".", maxSplits: 1).map(String.init)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
            throw maskerNode.error("expected PLUGIN.MASKER such as pii.redact, found '\(name)'")
        }
        line = maskerNode.line
        plugin = parts[0]
        masker = parts[1]
        let optionsNode = try node.child("options")
        var options: [String: String] = [:]
        if !optionsNode.isMissing {
            guard let mapping = optionsNode.node?.mapping else { throw optionsNode.error("expected a mapping of option names to values") }
            for (key, value) in mapping {
                guard let key = key.string, let value = value.string else {
                    throw optionsNode.error("expected plain values, such as keep: 4")
                }
                options[key] = value
            }
        }
        if case .detect(let names) = selector {
            guard options["detect"] == nil else { throw optionsNode.error("'detect' is set by the rule's detect key") }
            options["detect"] = names.joined(separator: ",")
        }
        self.options = options
    }
}
