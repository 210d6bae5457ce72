/// Why discovery or the JWKS could not be used. Logged for the operator; the
/// client only learns that the provider's keys are unavailable.
struct OIDCFetchError: Error, CustomStringConvertible, Sendable {
    let message: String
    init(_ message: String) { self.message = message }
    var description: String { message }
}
