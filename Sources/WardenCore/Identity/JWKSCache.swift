import Foundation

/// The keys last fetched from an issuer and the bookkeeping that limits refetching.
///
/// A token naming an unknown `kid` is the normal sign of key rotation, but it
/// is also free for anyone to send, so refetches are limited to one per
/// ``refetchInterval``: a flood of made-up key ids cannot turn Warden into a
/// load generator against the identity provider.
struct JWKSCache: Sendable {
    /// Least time between two fetches once keys have been loaded.
    static let refetchInterval: TimeInterval = 30
    /// Least time between attempts while no keys could be loaded yet: short, so
    /// startup recovers quickly when the provider comes up late.
    static let retryInterval: TimeInterval = 5
    /// Keys older than this are refreshed on next use, so keys the provider has
    /// withdrawn stop being trusted even if no unknown `kid` ever shows up.
    static let maximumAge: TimeInterval = 3600

    private(set) var keys: [VerificationKey] = []
    var keySetURL: URL?
    private(set) var loadedAt: Date?
    private var lastAttempt: Date?

    var isLoaded: Bool { loadedAt != nil }

    func mayFetch(now: Date) -> Bool {
        guard let lastAttempt else { return true }
        let interval = isLoaded ? Self.refetchInterval : Self.retryInterval
        // A clock that moved backwards must not block fetching forever.
        return now < lastAttempt || now.timeIntervalSince(lastAttempt) >= interval
    }

    func isStale(now: Date) -> Bool {
        guard let loadedAt else { return true }
        return now.timeIntervalSince(loadedAt) >= Self.maximumAge
    }

    mutating func recordAttempt(at now: Date) {
        lastAttempt = now
    }

    mutating func store(_ keys: [VerificationKey], at now: Date) {
        self.keys = keys
        loadedAt = now
    }

    /// The keys a token may have been signed with.
    ///
    /// A token with a `kid` is matched by it; keys published without a `kid`
    /// are tried as well, since such a JWKS cannot be matched any other way.
    /// A token without a `kid` (some providers omit it) is tried against every
    /// key of its algorithm.
    func select(keyID: String?, algorithm: SigningAlgorithm) -> [VerificationKey] {
        keys.filter { key in
            key.algorithm == algorithm && (keyID == nil || key.keyID == nil || key.keyID == keyID)
        }
    }
}
