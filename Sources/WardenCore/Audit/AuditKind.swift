/// The kinds of audit event the gateway records. ``AuditLog`` accepts any
/// kind; these are the names to use so that SIEM rules can match them.
public enum AuditKind {
    public static let configLoaded = "config.loaded"
    public static let connectionAccepted = "connection.accepted"
    public static let connectionRefused = "connection.refused"
    /// The gateway ended a session on its own: its token expired, or it reached `max_session`.
    public static let sessionEnded = "session.ended"
    /// A token for another subject was presented in a signed-in session and refused.
    public static let identityRefused = "session.identity_refused"
    public static let statementAllowed = "statement.allowed"
    public static let statementDenied = "statement.denied"
    public static let approvalRequested = "approval.requested"
    public static let approvalDecided = "approval.decided"

    /// The actor for events the gateway causes itself rather than a person.
    public static let gatewayActor = "warden"
}
