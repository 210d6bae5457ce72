/// Values a dialect masks in a response whatever the connection's rules
/// say, because of what the request reads (a Kubernetes Secret). Such a
/// response must come as JSON (the request asks for nothing else), and its
/// request body stays out of the records, since it may hold the same values.
public struct DialectMasking: Sendable {
    /// A JSON path (``WardenJSONMask/JSONPathPattern``) and the string that
    /// replaces every value it names, and every value inside one it names.
    public struct Replacement: Sendable {
        public var path: String
        public var with: String

        public init(path: String, with replacement: String) {
            self.path = path
            self.with = replacement
        }
    }

    public var replacements: [Replacement]
    /// Why, for the log and the client when the response cannot be masked: "a Secret's values".
    public var what: String

    public init(replacements: [Replacement], what: String) {
        self.replacements = replacements
        self.what = what
    }
}
