import Hummingbird

/// The context of one admin API request: Hummingbird's storage, and who sent
/// it once ``AdminAuthMiddleware`` has checked the bearer token.
struct AdminRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    var identity: Identity?

    init(source: ApplicationRequestContextSource) {
        coreContext = CoreRequestContextStorage(source: source)
    }

    /// Decision bodies are a few short fields.
    var maxUploadSize: Int { 64 * 1024 }

    /// The signed-in identity. Routes registered behind the auth middleware
    /// always have one; without it they refuse rather than run anonymously.
    func requireIdentity() throws -> Identity {
        guard let identity else { throw AdminError.unauthorized("no bearer token was checked for this request", invalidToken: false) }
        return identity
    }
}
