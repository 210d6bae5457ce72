import Foundation

/// The rule for URLs Warden fetches trust material from (issuer, jwks_uri):
/// https everywhere, plain http only when the host is loopback.
enum TransportRule {
    static func isAcceptable(_ url: URL) -> Bool {
        switch url.scheme?.lowercased() {
        case "https": true
        case "http": isLoopback(host: url.host ?? "")
        default: false
        }
    }

    /// True for `localhost`, any 127.0.0.0/8 address and `::1`.
    ///
    /// Only canonical dotted quads count: lenient forms such as `127.1` are
    /// refused rather than guessed at, which errs on the side of requiring https.
    static func isLoopback(host rawHost: String) -> Bool {
        var host = rawHost.lowercased()
        if host.hasPrefix("["), host.hasSuffix("]") {
            host = String(host.dropFirst().dropLast())
        }
        if host == "localhost" || host == "::1" || host == "0:0:0:0:0:0:0:1" { return true }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4 else { return false }
        let values = octets.compactMap { part -> Int? in
            guard (1...3).contains(part.count), part.allSatisfy(\.isASCII), let value = Int(part),
                (0...255).contains(value)
            else { return nil }
            return value
        }
        return values.count == 4 && values[0] == 127
    }
}
