import Foundation

/// Who a client is, as established by a validated token.
///
/// Produced only by a verifier (``OIDCProvider``, ``DevIssuer`` or
/// ``TokenValidator``) after the token's signature and claims were checked, so
/// holding one means the values can be trusted for policy decisions.
public struct Identity: Sendable, Equatable {
    /// The token's `sub` claim: the stable identifier of the person or agent.
    public var subject: String
    /// Group names from the configured groups claim; empty when the claim is absent.
    public var groups: [String]
    /// The issuer that vouched for this identity (the token's `iss`).
    public var issuer: String
    /// When the token stops being valid; sessions should not outlive it.
    public var expiresAt: Date

    public init(subject: String, groups: [String], issuer: String, expiresAt: Date) {
        self.subject = subject
        self.groups = groups
        self.issuer = issuer
        self.expiresAt = expiresAt
    }
}
