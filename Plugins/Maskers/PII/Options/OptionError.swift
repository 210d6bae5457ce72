/// Why a masker could not be made from its rule. The host shows the
/// description to the operator at start, so it names the masker and the
/// option at fault, and never echoes a key.
struct OptionError: Error, CustomStringConvertible, Equatable {
    /// The masker as configured, e.g. `pii.partial`; filled in by ``OptionReader``.
    var masker: String = ""
    /// The option at fault, or nil when the masker name itself is wrong.
    var option: String?
    var message: String

    init(option: String?, _ message: String) {
        self.option = option
        self.message = message
    }

    var description: String {
        let prefix = masker.isEmpty ? "" : "\(masker): "
        guard let option else { return prefix + message }
        return "\(prefix)option '\(option)' \(message)"
    }
}
