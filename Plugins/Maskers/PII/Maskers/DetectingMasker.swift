import WardenPluginSDK

/// A detect rule: finds sensitive content inside each field's text and masks
/// only those spans, leaving the rest of the value as it was.
///
/// Fields of every type are scanned: a card number in a `bigint` column or a
/// `json` document is still a card number. Fields without findings are not
/// returned, so the host forwards them untouched.
struct DetectingMasker: Masker {
    let style: MaskStyle
    let scanner: ContentScanner

    func mask(_ fields: [Field]) -> [Int: String] {
        var changed: [Int: String] = [:]
        for (index, field) in fields.enumerated() {
            guard let value = field.value else { continue }
            if scanner.detects(.ssn), SSNDetector.isSSNField(name: field.name, source: field.source),
               SSNDetector.isUnformattedSSN(Array(value.utf8)) {
                // `123456789` in a column of SSNs is one.
                changed[index] = SpanReplacer.replace(
                    [Detection(range: 0..<value.utf8.count, kind: .ssn)], in: Array(value.utf8), style: style, json: nil)
                continue
            }
            guard let masked = mask(value, typeName: field.typeName) else { continue }
            changed[index] = masked
        }
        return changed
    }

    /// The masked value, or nil when nothing was found in it.
    func mask(_ value: String, typeName: String = "") -> String? {
        let text = Array(value.utf8)
        let detections = scanner.scan(text)
        guard !detections.isEmpty else { return nil }
        let json = JSONLayout.holdsJSON(typeName: typeName) ? JSONLayout(text) : nil
        return SpanReplacer.replace(detections, in: text, style: style, json: json)
    }
}
