import Foundation

/// A kubeconfig with one cluster, one user and the context joining them;
/// the user is an exec credential plugin (`warden kube credential`).
struct KubeconfigFile: Encodable {
    var name: String
    var server: String
    var certificateAuthorityData: String
    var execAPIVersion: String
    var command: String
    var arguments: [String]

    private enum Keys: String, CodingKey {
        case apiVersion, kind, clusters, users, contexts, currentContext = "current-context", preferences
    }

    private struct Named<Value: Encodable>: Encodable {
        var name: String
        var value: Value
        var key: String

        private struct Key: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Key.self)
            try container.encode(name, forKey: Key(stringValue: "name"))
            try container.encode(value, forKey: Key(stringValue: key))
        }
    }

    private struct Cluster: Encodable {
        var server: String
        var certificateAuthorityData: String
        enum CodingKeys: String, CodingKey { case server, certificateAuthorityData = "certificate-authority-data" }
    }

    private struct User: Encodable {
        var exec: Exec
    }

    private struct Exec: Encodable {
        var apiVersion: String
        var command: String
        var args: [String]
        /// Required by v1, unknown to the kubectl versions that only read v1beta1.
        var interactiveMode: String?
        var provideClusterInfo = false
    }

    private struct Context: Encodable {
        var cluster: String
        var user: String
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode("v1", forKey: .apiVersion)
        try container.encode("Config", forKey: .kind)
        try container.encode([Named(name: name, value: Cluster(server: server, certificateAuthorityData: certificateAuthorityData), key: "cluster")], forKey: .clusters)
        let exec = Exec(
            apiVersion: execAPIVersion, command: command, args: arguments,
            interactiveMode: execAPIVersion.hasSuffix("/v1") ? "Never" : nil)
        try container.encode([Named(name: name, value: User(exec: exec), key: "user")], forKey: .users)
        try container.encode([Named(name: name, value: Context(cluster: name, user: name), key: "context")], forKey: .contexts)
        try container.encode(name, forKey: .currentContext)
        try container.encode([String: String](), forKey: .preferences)
    }
}

/// What an exec credential plugin prints for kubectl: the token, and when
/// it expires so that kubectl asks again before then rather than after a 401.
struct ExecCredential {
    var apiVersion: String
    var token: String
    var expires: Date?

    func json() throws -> String {
        var status: [String: String] = ["token": token]
        if let expires { status["expirationTimestamp"] = Self.timestamp(expires) }
        let object: [String: Any] = ["apiVersion": apiVersion, "kind": "ExecCredential", "status": status]
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self)
    }

    /// The `exp` claim of a JWT, read without verifying it: only the
    /// gateway's verification counts, this only tells kubectl when to refresh.
    static func expiry(of token: String) -> Date? {
        let parts = token.split(separator: ".")
        guard parts.count == 3 else { return nil }
        var payload = parts[1].replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        payload += String(repeating: "=", count: (4 - payload.count % 4) % 4)
        guard let data = Data(base64Encoded: payload),
              let claims = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let exp = claims["exp"] as? NSNumber
        else { return nil }
        return Date(timeIntervalSince1970: exp.doubleValue)
    }

    private static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }
}
