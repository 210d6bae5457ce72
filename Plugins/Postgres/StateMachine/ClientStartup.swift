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
    static let forwardableParameters: Set<String> = [
        "application_name", "client_encoding", "datestyle", "timezone", "intervalstyle",
        "extra_float_digits", "search_path", "bytea_output", "client_min_messages",
        "statement_timeout", "lock_timeout", "idle_in_transaction_session_timeout",
        "idle_session_timeout", "standard_conforming_strings",
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
        if let encoding = message["client_encoding"], !Self.isUTF8(encoding) {
            // Statements are inspected as UTF-8. In encodings such as SJIS or
            // GBK a quote or backslash byte can hide inside a multibyte
            // character, so the upstream could read a statement differently
            // from the policy.
            throw Refusal(code: "22023", message: "Warden supports only client_encoding UTF8",
                          hint: "Set PGCLIENTENCODING=UTF8 or client_encoding=UTF8 in the connection string.")
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
                forwardedParameters.append((name, value))
            } else if name != "user", name != "database" {
                // `replication` and `options` land here too: `options` carries
                // `-c name=value` settings, the GUC back door named above.
                droppedParameterNames.append(name)
            }
        }
    }

    private static func isFalse(_ value: String) -> Bool {
        ["false", "off", "no", "0"].contains(value.lowercased())
    }

    private static func isUTF8(_ value: String) -> Bool {
        let normalized = value.lowercased().filter { $0 != "-" && $0 != "_" }
        return normalized == "utf8" || normalized == "unicode"
    }

    static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.user == rhs.user && lhs.database == rhs.database
            && lhs.forwardedParameters.map(\.name) == rhs.forwardedParameters.map(\.name)
            && lhs.forwardedParameters.map(\.value) == rhs.forwardedParameters.map(\.value)
            && lhs.droppedParameterNames == rhs.droppedParameterNames
            && lhs.protocolOptions == rhs.protocolOptions && lhs.minorVersion == rhs.minorVersion
    }
}
