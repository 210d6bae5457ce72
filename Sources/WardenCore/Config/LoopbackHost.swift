import Foundation

/// Recognizes loopback hosts: the only places where plain-HTTP identity
/// providers are accepted, since nothing on the network can read that traffic.
public enum LoopbackHost {
    public static func contains(_ host: String) -> Bool {
        let host = host.lowercased().trimmingCharacters(in: ["[", "]"])
        if host == "localhost" || host == "::1" { return true }
        let octets = host.split(separator: ".")
        return octets.count == 4 && octets.first == "127" && octets.allSatisfy { UInt8($0) != nil }
    }
}
