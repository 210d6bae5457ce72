/// Reads a rule's string options for one masker and rejects any it did not
/// read, so that a misspelt option (`kepp: 2`) fails at start instead of
/// silently masking with the default.
struct OptionReader {
    let masker: String
    private let options: [String: String]
    private var read: Set<String> = []

    init(masker: String, options: [String: String]) {
        self.masker = masker
        self.options = options
    }

    /// The value of `option`, or nil if the rule does not set it.
    mutating func string(_ option: String) -> String? {
        read.insert(option)
        return options[option]
    }

    /// A whole number ≥ 0, or `defaultValue` when absent.
    mutating func count(_ option: String, default defaultValue: Int) throws(OptionError) -> Int {
        guard let text = string(option) else { return defaultValue }
        guard let value = Int(text.trimmingSpaces), value >= 0, value <= 1_000 else {
            throw error(option, "must be a whole number from 0 to 1000, not '\(text)'")
        }
        return value
    }

    /// Exactly one character, or `defaultValue` when absent.
    mutating func character(_ option: String, default defaultValue: Character) throws(OptionError) -> Character {
        guard let text = string(option) else { return defaultValue }
        guard text.count == 1, let character = text.first else {
            throw error(option, "must be exactly one character, not '\(text)'")
        }
        return character
    }

    /// Throws for the first option (in name order) that was never read.
    func rejectUnread() throws(OptionError) {
        if let unknown = options.keys.filter({ !read.contains($0) }).sorted().first {
            let known = read.sorted().map { "'\($0)'" }.joined(separator: ", ")
            throw error(unknown, "is not an option of \(masker) (it takes \(known))")
        }
    }

    /// An error about `option`, attributed to this masker.
    func error(_ option: String?, _ message: String) -> OptionError {
        var error = OptionError(option: option, message)
        error.masker = masker
        return error
    }
}
