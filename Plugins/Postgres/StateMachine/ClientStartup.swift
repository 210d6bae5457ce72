/// What Warden keeps from a client's StartupMessage.
struct ClientStartup: Equatable, Sendable {
    var user: String
    /// The database name the client asked for: Warden's connection name.
    var database: String
    /// Session settings passed on to the upstream StartupMessage.
    var forwardedParameters: [(name: String, value: String)]
    /// Names of parameters Warden did not forward (for the log).
    var droppedParameterNames: [String]
    /// `_pq_.` protocol options the client asked for; Warden supports none.
    var protocolOptions: [String]
    var minorVersion: Int

    /// Settings a client may pass on. An allowlist, not a denylist: the
    /// upstream applies every other startup parameter as a GUC at backend
    /// start (`role`, `session_authorization`, anything via `options`), which
    /// would change privileges without a statement the policy ever sees.
    /// The settings in ``PinnedSettings`` are not among them: Warden sends
    /// its own values, whatever the client asked for.
    static let forwardableParameters: Set<String> = [
        "application_name", "datestyle", "timezone", "intervalstyle",
        "extra_float_digits", "search_path", "bytea_output", "client_min_messages",
        "statement_timeout", "lock_timeout", "idle_in_transaction_session_timeout",
        "idle_session_timeout",
    ]

    /// Why a StartupMessage is refused (sent to the client as FATAL).
    struct Refusal: Error, Equatable {
        var code: String
        var message: String
        var hint: String?
    }

    init(_ message: StartupMessage) throws(Refusal) {
        guard let user = message["user"], !user.isEmpty else {
            throw Refusal(code: "28000", message: "no user name specified in the startup packet")
        }
        if let replication = message["replication"], !Self.isFalse(replication) {
            throw Refusal(code: "0A000", message: "replication connections are not supported by Warden")
        }
        // PostgreSQL takes setting names in any letter case, and the last of
        // two copies: one check must see the value the server would use.
        var names: Set<String> = []
        for (name, _) in message.parameters where !names.insert(name.lowercased()).inserted {
            throw Refusal(code: "08P01", message: "the startup packet sets \(name) twice")
        }
        if let encoding = message["client_encoding"], !Self.isUTF8(encoding) {
            // Statements are inspected as UTF-8. In encodings such as SJIS or
            // GBK a quote or backslash byte can hide inside a multibyte
            // character, so the upstream could read a statement differently
            // from the policy.
            throw Refusal(code: "22023", message: "Warden supports only client_encoding UTF8",
                          hint: "Set PGCLIENTENCODING=UTF8 or client_encoding=UTF8 in the connection string.")
        }
        if let strings = message["standard_conforming_strings"], !Self.isTrue(strings) {
            // Without it a backslash escapes a quote in '…', and the server
            // would end a string where Warden's parser does not.
            throw Refusal(code: "22023", message: "Warden supports only standard_conforming_strings on")
        }
        self.user = user
        // libpq's default and PostgreSQL's: no database means the user's name.
        let database = message["database"] ?? ""
        self.database = database.isEmpty ? user : database
        self.minorVersion = message.minorVersion
        self.forwardedParameters = []
        self.droppedParameterNames = []
        self.protocolOptions = []
        for (name, value) in message.parameters {
            if name.hasPrefix("_pq_.") {
                protocolOptions.append(name)
            } else if Self.forwardableParameters.contains(name.lowercased()) {
                forwardedParameters.append((name.lowercased(), value))
            } else if !["user", "database"].contains(name.lowercased()), !PinnedSettings.names.contains(name.lowercased()) {
                // `replication` and `options` land here too: `options` carries
                // `-c name=value` settings, the GUC back door named above.
                droppedParameterNames.append(name)
            }
        }
    }

    private static func isFalse(_ value: String) -> Bool {
        ["false", "off", "no", "0"].contains(value.lowercased())
    }

    /// As PostgreSQL's `clean_encoding_name` reads an encoding name: only
    /// letters and digits count, so asyncpg's `'utf-8'` (quotes included)
    /// is UTF8.
    private static func isUTF8(_ value: String) -> Bool {
        let cleaned = String(value.lowercased().unicodeScalars.filter { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0)) })
        return cleaned == "utf8" || cleaned == "unicode"
    }

    /// PostgreSQL's `parse_bool` spellings of true (unique prefixes).
    private static func isTrue(_ value: String) -> Bool {
        ["on", "t", "tr", "tru", "true", "y", "ye", "yes", "1"].contains(value.lowercased())
    }

    static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.user == rhs.user && lhs.database == rhs.database
            && lhs.forwardedParameters.map(\.name) == rhs.forwardedParameters.map(\.name)
            && lhs.forwardedParameters.map(\.value) == rhs.forwardedParameters.map(\.value)
            && lhs.droppedParameterNames == rhs.droppedParameterNames
            && lhs.protocolOptions == rhs.protocolOptions && lhs.minorVersion == rhs.minorVersion
    }
}
