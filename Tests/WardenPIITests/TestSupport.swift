import WardenPluginSDK

@testable import WardenPII

/// The substrings a detector finds in `text`.
func found(_ detector: some Detector, in text: String) -> [String] {
    let bytes = Array(text.utf8)
    return detector.spans(in: bytes).map { String(decoding: bytes[$0], as: UTF8.self) }
}

/// A masker made from a rule, with keys looked up in `keys` instead of the process.
func masker(_ name: String, _ options: [String: String] = [:], keys: [String: String] = [:]) throws -> any Masker {
    let environment = KeyEnvironment(variable: { keys[$0] }, readFile: { _ in nil })
    return try MaskerFactory.make(named: name, options: options, environment: environment)
}

/// The error making a masker throws, or nil if it succeeds.
func optionError(_ name: String, _ options: [String: String], keys: [String: String] = [:]) -> OptionError? {
    do {
        _ = try masker(name, options, keys: keys)
        return nil
    } catch {
        return error as? OptionError
    }
}

extension Masker {
    /// Masks one text field; returns its new value, or nil if it is unchanged.
    func mask(_ value: String, typeName: String = "text") -> String? {
        mask([Field(name: "f", typeName: typeName, value: value)])[0]
    }
}

/// A key long enough for the `hash` masker.
let testKey = "0123456789abcdef-test-key"
