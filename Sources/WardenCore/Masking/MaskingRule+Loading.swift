extension MaskingRule {
    init(_ node: ConfigNode) throws {
        try node.checkKeys(["columns", "detect", "masker", "options"])
        let columns = try node.child("columns"), detect = try node.child("detect")
        switch (columns.isMissing, detect.isMissing) {
        case (false, true):
            let names = try columns.stringOrStrings()
            guard !names.isEmpty else { throw columns.error("list at least one column") }
            selector = .columns(names.map(ColumnPattern.init))
        case (true, false):
            let names = try detect.stringOrStrings()
            guard !names.isEmpty else { throw detect.error("list at least one detector, such as email or card") }
            selector = .detect(names)
        default:
            throw node.error("give either columns (which fields) or detect (which content), not both or neither")
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
