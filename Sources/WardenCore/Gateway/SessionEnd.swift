import CWardenPlugin
import Foundation

/// When and why the gateway ends an authenticated session: when its token
/// expires, or when it reaches its connection's `max_session`, whichever
/// comes first. A session never outlives the identity that opened it.
struct SessionEnd: Sendable {
    enum Cause: String, Sendable, CustomStringConvertible {
        case tokenExpiry = "token expiry"
        case sessionLimit = "max_session"

        var description: String { rawValue }
    }

    var at: Date
    var cause: Cause
    var maxSession: Duration

    /// - Parameter now: when the client signed in.
    init(identity: Identity, maxSession: Duration, now: Date) {
        // A token accepted within the clock tolerance after its `exp` would
        // otherwise end its session at once: it gets the tolerance instead.
        let tokenEnd = identity.expiresAt > now
            ? identity.expiresAt : identity.expiresAt.addingTimeInterval(ClaimRules.seconds(ClaimRules.defaultClockSkew))
        let limitEnd = now.addingTimeInterval(ClaimRules.seconds(maxSession))
        self.maxSession = maxSession
        if tokenEnd <= limitEnd {
            at = tokenEnd
            cause = .tokenExpiry
        } else {
            at = limitEnd
            cause = .sessionLimit
        }
    }

    /// The reason code the plugin receives (ABI 1.3).
    var reason: warden_ending_reason {
        cause == .tokenExpiry ? WARDEN_ENDING_TOKEN_EXPIRED : WARDEN_ENDING_SESSION_LIMIT
    }

    /// What happened, in a few words.
    var summary: String {
        switch cause {
        case .tokenExpiry: "the sign-in token expired"
        case .sessionLimit: "the session reached its maximum length of \(DurationText.format(maxSession))"
        }
    }

    /// For the client, in its protocol's error; also the session's recorded reason.
    var message: String {
        switch cause {
        case .tokenExpiry: "the sign-in token expired at \(Self.format(at)): connect again with a new token"
        case .sessionLimit: "\(summary) (max_session): connect again"
        }
    }

    static func format(_ date: Date) -> String {
        date.formatted(.iso8601)
    }
}
