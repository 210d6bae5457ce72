import WardenPluginSDK

/// Turns a masker name and a rule's options into a configured masker. See
/// ``PIIPlugin`` for the options contract.
enum MaskerFactory {
    static let defaultReplacement = "****"
    static let defaultKeep = 4
    static let defaultMaskCharacter: Character = "*"

    static func make(
        named name: String, options: [String: String], environment: KeyEnvironment = .process
    ) throws(OptionError) -> any Masker {
        // The host may pass the name as configured (`pii.redact`) or without the plugin's prefix.
        let style = name.hasPrefix("pii.") ? String(name.dropFirst(4)) : name
        var reader = OptionReader(masker: "pii.\(style)", options: options)
        let maskStyle: MaskStyle
        switch style {
        case "redact":
            maskStyle = .redact(replacement: try replacement(&reader))
        case "partial":
            let keep = try reader.count("keep", default: defaultKeep)
            let maskCharacter = try reader.character("mask_char", default: defaultMaskCharacter)
            try checkPrintable(String(maskCharacter), option: "mask_char", reader)
            maskStyle = .partial(keep: keep, maskCharacter: maskCharacter)
        case "hash":
            let key = try KeySource.from(&reader).load(in: environment, for: reader)
            maskStyle = .hash(HMACDigest(key: key))
        case "email":
            maskStyle = .email(replacement: try replacement(&reader))
        default:
            var error = OptionError(option: nil, "unknown masker '\(name)'; the pii plugin has pii.redact, pii.partial, pii.hash and pii.email")
            error.masker = "pii"
            throw error
        }
        let detect = reader.string("detect")
        try reader.rejectUnread()
        guard let detect else { return WholeValueMasker(style: maskStyle) }
        do {
            return DetectingMasker(style: maskStyle, scanner: ContentScanner(kinds: try DetectorKind.parse(list: detect)))
        } catch {
            throw reader.error(error.option, error.message)
        }
    }

    private static func replacement(_ reader: inout OptionReader) throws(OptionError) -> String {
        let replacement = reader.string("replacement") ?? defaultReplacement
        try checkPrintable(replacement, option: "replacement", reader)
        return replacement
    }

    /// Masked text lands inside JSON strings, quoted SQL text and logs: quotes,
    /// backslashes and control characters in it would change the structure around it.
    private static func checkPrintable(_ text: String, option: String, _ reader: OptionReader) throws(OptionError) {
        if text.unicodeScalars.contains(where: { $0 == "\"" || $0 == "\\" || $0.value < 0x20 || $0.value == 0x7F }) {
            throw reader.error(option, "may not contain quotes, backslashes or control characters")
        }
    }
}
