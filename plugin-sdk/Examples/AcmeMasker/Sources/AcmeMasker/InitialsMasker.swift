import WardenPluginSDK

/// `acme.initials`: replaces every value it is given with its ``Initials``.
///
/// Immutable, so one instance is safely shared by every session and thread.
/// The host passes only the fields its rule covers; NULL stays NULL.
struct InitialsMasker: Masker {
    static let defaultSeparator = " "
    static let maximumSeparatorLength = 8

    /// What goes between two initials (`A. L.` with the default).
    let separator: String

    /// Reads a rule's options. Every error names the masker and the option,
    /// so the operator can find the rule to fix.
    init(options: [String: String]) throws(AcmeError) {
        for option in options.keys.sorted() where option != "separator" {
            if option == "detect" {
                // The host sets `detect` for content rules (`detect: [...]`).
                throw AcmeError("acme.initials replaces whole values; use it in a columns rule, not a detect rule")
            }
            throw AcmeError("acme.initials: unknown option '\(option)'; acme.initials takes 'separator'")
        }
        let separator = options["separator"] ?? Self.defaultSeparator
        guard separator.count <= Self.maximumSeparatorLength else {
            throw AcmeError(
                "acme.initials: option 'separator' must be at most \(Self.maximumSeparatorLength) characters, not '\(separator)'")
        }
        // Masked text lands in JSON strings and quoted SQL text: keep it from
        // changing the structure around it.
        guard !separator.unicodeScalars.contains(where: { $0 == "\"" || $0 == "\\" || $0.value < 0x20 || $0.value == 0x7F }) else {
            throw AcmeError("acme.initials: option 'separator' may not contain quotes, backslashes or control characters")
        }
        self.separator = separator
    }

    func mask(_ fields: [Field]) -> [Int: String] {
        var changed: [Int: String] = [:]
        for (index, field) in fields.enumerated() {
            guard let value = field.value else { continue }  // NULL stays NULL
            var masked = Initials.of(value, separator: separator)
            if Self.isJSON(field.typeName) { masked = "\"\(masked)\"" }  // a JSON field stays valid JSON
            if masked != value { changed[index] = masked }                // report only what changes
        }
        return changed
    }

    private static func isJSON(_ typeName: String) -> Bool {
        ["json", "jsonb", "application/json"].contains(typeName) || typeName.hasSuffix("+json")
    }
}
