import Yams

/// A YAML node with the key path that leads to it, so that every error can
/// say which key and which line is wrong.
struct ConfigNode {
    let node: Node?
    let path: String
    let file: String
    /// The line of the nearest enclosing node, for keys that are missing.
    let fallbackLine: Int?

    var line: Int? { node?.mark?.line ?? fallbackLine }
    var isMissing: Bool {
        guard let node else { return true }
        if case .scalar(let scalar) = node, scalar.string.isEmpty || scalar.string == "~" || scalar.string == "null" {
            return scalar.style == .plain
        }
        return false
    }

    func error(_ message: String) -> ConfigError {
        ConfigError(file: file, line: line, key: path, message: message)
    }

    /// The value under `key` in this mapping (missing if absent).
    func child(_ key: String) throws -> ConfigNode {
        let childPath = path.isEmpty ? key : "\(path).\(key)"
        guard let node, !isMissing else { return ConfigNode(node: nil, path: childPath, file: file, fallbackLine: line) }
        guard let mapping = node.mapping else { throw error("expected a mapping of keys") }
        let value = mapping.first { $0.key.string == key }?.value
        return ConfigNode(node: value, path: childPath, file: file, fallbackLine: line)
    }

    /// Refuses keys this section does not know: a typo must not pass silently.
    func checkKeys(_ known: Set<String>) throws {
        guard let mapping = node?.mapping else { return }
        for (key, _) in mapping {
            let name = key.string ?? "?"
            if !known.contains(name) {
                let childPath = path.isEmpty ? name : "\(path).\(name)"
                throw ConfigError(
                    file: file, line: key.mark?.line, key: childPath,
                    message: "unknown key; expected one of: \(known.sorted().joined(separator: ", "))")
            }
        }
    }

    /// The keys of a mapping and their values, in the file's order (the
    /// YAML parser already refuses a key given twice).
    func mapping() throws -> [(key: String, value: ConfigNode)] {
        guard let node, !isMissing else { return [] }
        guard let mapping = node.mapping else { throw error("expected a mapping of keys") }
        return mapping.map { key, value in
            let name = key.string ?? "?"
            let childPath = path.isEmpty ? name : "\(path).\(name)"
            return (name, ConfigNode(node: value, path: childPath, file: file, fallbackLine: line))
        }
    }

    func elements() throws -> [ConfigNode] {
        guard let node, !isMissing else { return [] }
        guard case .sequence(let sequence) = node else { throw error("expected a list") }
        return sequence.enumerated().map { index, element in
            ConfigNode(node: element, path: "\(path)[\(index)]", file: file, fallbackLine: line)
        }
    }

    func string() throws -> String {
        guard let value = try optionalString() else { throw error("is required") }
        return value
    }

    func optionalString() throws -> String? {
        guard let node, !isMissing else { return nil }
        guard case .scalar(let scalar) = node else { throw error("expected a text value") }
        return scalar.string
    }

    func strings() throws -> [String] {
        try elements().map { try $0.string() }
    }

    func bool(default value: Bool) throws -> Bool {
        guard let text = try optionalString() else { return value }
        switch text.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: throw error("expected true or false, found '\(text)'")
        }
    }

    func int(default value: Int? = nil, in range: ClosedRange<Int>) throws -> Int {
        guard let text = try optionalString() else {
            guard let value else { throw error("is required") }
            return value
        }
        guard let number = Int(text), range.contains(number) else {
            throw error("expected a whole number from \(range.lowerBound) to \(range.upperBound), found '\(text)'")
        }
        return number
    }

    /// A duration as people write it (`90s`, `5m`, `12h`, `1d`), within `range`.
    func duration(default value: Duration, in range: ClosedRange<Duration>) throws -> Duration {
        guard let text = try optionalString() else { return value }
        guard let parsed = DurationText.parse(text), range.contains(parsed) else {
            throw error("""
                expected a duration from \(DurationText.format(range.lowerBound)) to \(DurationText.format(range.upperBound)), \
                such as 90s, 5m or 1h, found '\(text)'
                """)
        }
        return parsed
    }

    /// A duration such as `90s`, `5m` or `1h30m` (see ``DurationText``), at most `maximum`.
    func duration(default value: Duration, maximum: Duration = DurationText.maximum) throws -> Duration {
        guard let text = try optionalString() else { return value }
        guard let duration = DurationText.parse(text), duration <= maximum else {
            let range = maximum == DurationText.maximum
                ? DurationText.rangeDescription : "from 1s to \(DurationText.format(maximum))"
            throw error("expected a duration such as 90s, 5m or 1h, \(range), found '\(text)'")
        }
        return duration
    }

    func oneOf(_ choices: [String], default value: String) throws -> String {
        let text = try optionalString() ?? value
        guard choices.contains(text) else {
            throw error("expected one of \(choices.joined(separator: ", ")), found '\(text)'")
        }
        return text
    }
}
