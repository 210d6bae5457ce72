import WardenPluginSDK

/// A column rule: masks every non-NULL field's whole value with one style.
///
/// The host sends only the fields its rule selected. NULL stays NULL, since
/// it reveals nothing and clients rely on it. A JSON-typed field becomes a
/// JSON string (`"****"`), so a `json` column still holds JSON.
struct WholeValueMasker: Masker {
    let style: MaskStyle

    func mask(_ fields: [Field]) -> [Int: String] {
        var changed: [Int: String] = [:]
        for (index, field) in fields.enumerated() {
            guard let value = field.value else { continue }
            let masked = style.mask(value: value)
            changed[index] = JSONLayout.holdsJSON(typeName: field.typeName) ? JSONLayout.quoted(masked) : masked
        }
        return changed
    }
}
