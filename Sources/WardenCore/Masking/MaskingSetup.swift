/// Creates every connection's masker instances when the gateway starts, so a
/// missing plugin or a bad option stops the start, not a query.
enum MaskingSetup {
    static func build(_ config: WardenConfig, plugins: PluginSet) throws -> [String: ConnectionMasking] {
        var result: [String: ConnectionMasking] = [:]
        for (connectionIndex, connection) in config.connections.enumerated() where !connection.masking.isEmpty {
            var columnRules: [ConnectionMasking.ColumnRule] = []
            var detectors: [MaskerInstance] = []
            for (ruleIndex, rule) in connection.masking.enumerated() {
                let key = "connections[\(connectionIndex)].masking[\(ruleIndex)].masker"
                guard let plugin = plugins.maskerPlugin(named: rule.plugin) else {
                    let loaded = plugins.manifests.filter { $0.kind == .masker }.map(\.name)
                    throw ConfigError(
                        file: config.source, line: rule.line, key: key,
                        message: "no masker plugin named '\(rule.plugin)' is loaded (masker plugins found: \(loaded.isEmpty ? "none" : loaded.joined(separator: ", ")); searched \(config.pluginPaths.joined(separator: ", ")))")
                }
                let instance: MaskerInstance
                switch plugin.makeInstance(masker: rule.masker, options: rule.options) {
                case .success(let made):
                    instance = made
                case .failure(let refusal):
                    throw ConfigError(
                        file: config.source, line: rule.line, key: key,
                        message: "the \(rule.plugin) plugin (\(plugin.manifest.path)) refused masker '\(rule.masker)': \(refusal.reason)")
                }
                switch rule.selector {
                case .columns(let patterns): columnRules.append(.init(patterns: patterns, masker: instance))
                case .paths(let paths): columnRules.append(.init(patterns: [], paths: Set(paths), masker: instance))
                case .detect: detectors.append(instance)
                }
            }
            result[connection.name] = ConnectionMasking(columnRules: columnRules, detectors: detectors)
        }
        return result
    }
}
