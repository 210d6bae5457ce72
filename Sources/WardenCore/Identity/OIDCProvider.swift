import AsyncHTTPClient
import Foundation
import Logging

/// Validates tokens issued by one external OpenID Connect provider.
///
/// The provider's keys are found through its discovery document and cached;
/// a token naming an unknown `kid` triggers a refetch, at most once per
/// ``JWKSCache/refetchInterval``, and concurrent validations share a single
/// in-flight fetch. Only RS256, ES256 and EdDSA signatures are accepted.
public actor OIDCProvider {
    /// The trusted issuer, audience and groups claim.
    public nonisolated let settings: OIDCSettings

    private let fetcher: OIDCMetadataFetcher
    private let rules: ClaimRules
    private let logger: Logger
    private let now: @Sendable () -> Date
    private var cache = JWKSCache()
    private var inFlight: Task<Void, Never>?

    /// - Parameters:
    ///   - settings: validated here; an invalid issuer or audience throws ``OIDCSettingsError``.
    ///   - httpClient: used for discovery and JWKS; owned (and shut down) by the caller.
    ///   - clockSkew: tolerance for `exp` and `nbf`, clamped to 0…300 seconds.
    public init(
        settings: OIDCSettings, httpClient: HTTPClient, logger: Logger, clockSkew: Duration = .seconds(60)
    ) throws(OIDCSettingsError) {
        try self.init(settings: settings, httpClient: httpClient, logger: logger, clockSkew: clockSkew, now: Date.init)
    }

    /// The same, with a replaceable clock so tests can step past the refetch interval.
    init(
        settings: OIDCSettings, httpClient: HTTPClient, logger: Logger, clockSkew: Duration,
        now: @escaping @Sendable () -> Date
    ) throws(OIDCSettingsError) {
        try settings.validate()
        self.settings = settings
        self.fetcher = OIDCMetadataFetcher(settings: settings, httpClient: httpClient, logger: logger)
        self.rules = ClaimRules(
            issuer: settings.issuerString, audience: settings.audience, groupsClaim: settings.groupsClaim,
            clockSkew: clockSkew)
        self.logger = logger
        self.now = now
    }

    /// Verifies the token's algorithm, signature and claims and returns who it names.
    ///
    /// - Throws: ``TokenRejection`` with a reason that is safe to show the client.
    public func validate(_ token: String) async throws -> Identity {
        let jws = try CompactJWS(token)
        let algorithm = try SigningAlgorithm(header: jws.algorithm)
        // Answering a foreign token needs no network round trip, and the reason is
        // clearer than a failed signature. The verified claims are checked again below.
        if let issuer = jws.unverifiedIssuer, issuer != settings.issuerString {
            throw TokenRejection.untrustedIssuer(issuer)
        }

        let candidates = try await keys(for: jws.keyID, algorithm: algorithm)
        guard candidates.contains(where: { $0.verifies(jws) }) else {
            throw TokenRejection.invalidSignature
        }
        return try rules.identity(from: jws.claims, now: now())
    }

    /// Keys that may have signed the token, refetching the JWKS when needed and allowed.
    private func keys(for keyID: String?, algorithm: SigningAlgorithm) async throws -> [VerificationKey] {
        if !cache.isLoaded || cache.isStale(now: now()) {
            await refreshIfAllowed()
        }
        guard cache.isLoaded else {
            throw TokenRejection(
                .providerUnavailable, "the identity provider's signing keys could not be loaded; try again shortly")
        }

        var candidates = cache.select(keyID: keyID, algorithm: algorithm)
        if candidates.isEmpty {
            // Most likely the provider rotated its keys since the last fetch.
            await refreshIfAllowed()
            candidates = cache.select(keyID: keyID, algorithm: algorithm)
        }
        guard !candidates.isEmpty else {
            if let keyID {
                throw TokenRejection(
                    .unknownKey,
                    "token key \(TokenRejection.quoted(keyID)) is not published by the issuer for \(algorithm.rawValue)")
            }
            throw TokenRejection(.unknownKey, "the issuer publishes no \(algorithm.rawValue) key for this token")
        }
        return candidates
    }

    /// Fetches discovery (once) and the JWKS, joining a fetch already running.
    /// Failures are logged and leave the previous keys in place.
    private func refreshIfAllowed() async {
        if let running = inFlight {
            await running.value
            return
        }
        guard cache.mayFetch(now: now()) else { return }
        cache.recordAttempt(at: now())

        let task = Task { await self.fetchAndStore() }
        inFlight = task
        await task.value
        inFlight = nil
    }

    private func fetchAndStore() async {
        do {
            let keySetURL: URL
            if let known = cache.keySetURL {
                keySetURL = known
            } else {
                keySetURL = try await fetcher.discoverKeySetURL()
                cache.keySetURL = keySetURL
            }
            let keys = try await fetcher.fetchKeys(from: keySetURL)
            cache.store(keys, at: now())
            logger.debug(
                "loaded OIDC signing keys",
                metadata: ["issuer": "\(settings.issuerString)", "keys": "\(keys.count)"])
        } catch {
            logger.error(
                "could not load OIDC signing keys",
                metadata: ["issuer": "\(settings.issuerString)", "error": "\(error)"])
        }
    }
}
