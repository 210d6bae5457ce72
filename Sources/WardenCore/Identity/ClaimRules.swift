import Foundation

/// The claim checks every verifier applies after the signature has been verified.
///
/// Kept apart from signature checking so the OIDC provider and the dev issuer
/// enforce exactly the same rules, and so the rules can be tested with plain
/// dictionaries.
struct ClaimRules: Sendable {
    var issuer: String
    var audience: String
    var groupsClaim: String
    /// How far `exp` and `nbf` may be off, to absorb clock drift between machines.
    var clockSkew: TimeInterval

    /// The tolerance the gateway's verifiers use.
    static let defaultClockSkew = Duration.seconds(60)

    /// The largest skew a caller may configure: beyond it an expired token stays
    /// usable for long enough to matter.
    static let maximumClockSkew: TimeInterval = 300

    init(issuer: String, audience: String, groupsClaim: String, clockSkew: Duration) {
        self.issuer = issuer
        self.audience = audience
        self.groupsClaim = groupsClaim
        self.clockSkew = min(max(Self.seconds(clockSkew), 0), Self.maximumClockSkew)
    }

    func identity(from claims: [String: JSONValue], now: Date) throws(TokenRejection) -> Identity {
        guard let issued = claims["iss"]?.string else { throw .missingClaim("iss", "issuer") }
        guard issued == issuer else { throw .untrustedIssuer(issued) }

        let audiences: [String]
        switch claims["aud"] {
        case .string(let single)?: audiences = [single]
        case .array(let many)?: audiences = many.compactMap(\.string)
        default: throw .missingClaim("aud", "audience")
        }
        guard audiences.contains(audience) else {
            throw TokenRejection(
                .wrongAudience, "token audience does not include \(TokenRejection.quoted(audience))")
        }

        guard let expiry = claims["exp"]?.number else { throw .missingClaim("exp", "expiry time") }
        let expiresAt = Date(timeIntervalSince1970: expiry)
        guard now < expiresAt.addingTimeInterval(clockSkew) else {
            throw TokenRejection(.expired, "token expired at \(Self.format(expiresAt))")
        }

        if let notBeforeClaim = claims["nbf"] {
            guard let notBefore = notBeforeClaim.number else {
                throw TokenRejection(.invalidClaim, "token claim 'nbf' is not a number")
            }
            let validFrom = Date(timeIntervalSince1970: notBefore)
            guard validFrom.timeIntervalSince(now) <= clockSkew else {
                throw TokenRejection(.notYetValid, "token is not valid before \(Self.format(validFrom))")
            }
        }

        guard let subject = claims["sub"]?.string, !subject.isEmpty else {
            throw .missingClaim("sub", "subject")
        }

        return Identity(subject: subject, groups: try groups(in: claims), issuer: issued, expiresAt: expiresAt)
    }

    /// An array of strings, or a single string (some providers emit one group that way).
    private func groups(in claims: [String: JSONValue]) throws(TokenRejection) -> [String] {
        switch claims[groupsClaim] {
        case nil, .null?: return []
        case .string(let single)?: return [single]
        case .array(let values)?:
            let names = values.compactMap(\.string)
            if names.count == values.count { return names }
        default: break
        }
        throw TokenRejection(
            .invalidClaim,
            "token claim \(TokenRejection.quoted(groupsClaim)) must be a string or an array of strings")
    }

    private static func format(_ date: Date) -> String {
        date.formatted(.iso8601)
    }

    /// A `Duration` as seconds, for arithmetic with `Date`.
    static func seconds(_ duration: Duration) -> TimeInterval {
        let (seconds, attoseconds) = duration.components
        return TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18
    }
}
