/// What the host tells the plugin about the connection's upstream once it
/// is open: where it is, the gateway-held credential, and what to mask.
public struct UpstreamSettings: Sendable {
    /// `Host` for upstream requests: the URL's host, and its port unless it is the scheme's default.
    public var authority: String
    /// The URL's path, without a trailing slash; requests go below it.
    public var basePath: String
    public var usesTLS: Bool
    /// Headers the gateway adds in its own name (`Authorization`, `header.NAME` values).
    public var credentialHeaders: [(String, String)]
    /// The largest request body the gateway accepts (413 beyond).
    public var maxBodyBytes: Int
    public var masking: Bool
    /// JSON paths of the connection's masking rules, as written there.
    public var maskPaths: [String]

    public static let defaultMaxBodyBytes = 10 << 20

    public init(values: [String: String]) throws(HTTPSettingsError) {
        guard let urlText = values["url"], let url = ParsedURL(urlText) else {
            throw HTTPSettingsError("the connection's upstream needs a url such as https://api.internal:8443")
        }
        let defaultPort = url.scheme == "https" ? 443 : 80
        authority = url.port == nil || url.port == defaultPort ? url.host : "\(url.host):\(url.port!)"
        basePath = url.path.hasSuffix("/") ? String(url.path.dropLast()) : url.path
        usesTLS = url.scheme == "https" && values["tls"] != "disable"
        var headers: [(String, String)] = []
        if let authorization = values["authorization"] { headers.append(("Authorization", authorization)) }
        for (key, value) in values.sorted(by: { $0.key < $1.key }) where key.hasPrefix("header.") {
            headers.append((String(key.dropFirst("header.".count)), value))
        }
        credentialHeaders = headers
        maxBodyBytes = values["max_body_bytes"].flatMap { Int($0) } ?? Self.defaultMaxBodyBytes
        masking = values["masking"] == "on"
        maskPaths = values["mask_paths"].map { $0.split(separator: "\n").map(String.init) } ?? []
    }
}

public struct HTTPSettingsError: Error, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}

/// The parts of an `http://` or `https://` URL the proxy uses.
struct ParsedURL {
    var scheme: String
    var host: String
    var port: Int?
    var path: String

    init?(_ text: String) {
        let lowered = text.lowercased()
        if lowered.hasPrefix("https://") {
            scheme = "https"
        } else if lowered.hasPrefix("http://") {
            scheme = "http"
        } else {
            return nil
        }
        let rest = text.dropFirst(scheme.count + 3)
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        path = String(rest[authorityEnd...].prefix { $0 != "?" })
        if authority.hasPrefix("["), let close = authority.firstIndex(of: "]") {
            host = String(authority[...close])
            let after = authority[authority.index(after: close)...]
            port = after.hasPrefix(":") ? Int(after.dropFirst()) : nil
        } else if let colon = authority.lastIndex(of: ":") {
            host = String(authority[..<colon])
            guard let number = Int(authority[authority.index(after: colon)...]) else { return nil }
            port = number
        } else {
            host = String(authority)
            port = nil
        }
        guard !host.isEmpty else { return nil }
    }
}
