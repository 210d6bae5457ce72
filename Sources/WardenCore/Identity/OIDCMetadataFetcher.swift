import AsyncHTTPClient
import Foundation
import Logging
import NIOCore

/// Reads an issuer's discovery document and JWKS over HTTP.
///
/// Stateless: caching and rate limiting belong to ``OIDCProvider``.
struct OIDCMetadataFetcher: Sendable {
    /// Discovery documents and key sets are small; anything larger is refused.
    static let maximumBodySize = 1 << 20
    static let timeout: TimeAmount = .seconds(10)

    let settings: OIDCSettings
    let httpClient: HTTPClient
    let logger: Logger

    /// The `jwks_uri` from `{issuer}/.well-known/openid-configuration`, after
    /// checking that the document speaks for the configured issuer.
    func discoverKeySetURL() async throws -> URL {
        let url = settings.discoveryURL
        guard let document = try await getJSON(url).object else {
            throw OIDCFetchError("discovery document at \(url) is not a JSON object")
        }
        // OpenID Connect Discovery §4.3: the issuer value must be identical to the
        // one the document was fetched for, or a different issuer's keys could be
        // substituted.
        let named = document["issuer"]?.string
        guard named == settings.issuerString else {
            throw OIDCFetchError(
                "discovery document at \(url) names issuer '\(named ?? "(none)")', expected '\(settings.issuerString)'")
        }
        guard let text = document["jwks_uri"]?.string, let keySetURL = URL(string: text) else {
            throw OIDCFetchError("discovery document at \(url) has no valid jwks_uri")
        }
        guard TransportRule.isAcceptable(keySetURL) else {
            throw OIDCFetchError(
                "jwks_uri '\(text)' must use https; plain http is allowed only on a loopback host "
                    + "(127.0.0.0/8, ::1, localhost)")
        }
        return keySetURL
    }

    func fetchKeys(from url: URL) async throws -> [VerificationKey] {
        var request = HTTPClientRequest(url: url.absoluteString)
        request.headers.add(name: "Accept", value: "application/jwk-set+json, application/json")
        let parsed = try await JWKSDocument.parse(try await get(request))
        for line in parsed.skipped {
            logger.debug("ignoring JWKS key", metadata: ["jwks_uri": "\(url)", "key": "\(line)"])
        }
        guard !parsed.keys.isEmpty else {
            throw OIDCFetchError("JWKS at \(url) has no usable RS256, ES256 or EdDSA signing key")
        }
        return parsed.keys
    }

    private func getJSON(_ url: URL) async throws -> JSONValue {
        var request = HTTPClientRequest(url: url.absoluteString)
        request.headers.add(name: "Accept", value: "application/json")
        let body = try await get(request)
        do {
            return try JSONDecoder().decode(JSONValue.self, from: body)
        } catch {
            throw OIDCFetchError("\(url) did not return JSON")
        }
    }

    private func get(_ request: HTTPClientRequest) async throws -> Data {
        let response = try await httpClient.execute(request, timeout: Self.timeout, logger: logger)
        guard response.status == .ok else {
            throw OIDCFetchError("GET \(request.url) answered HTTP \(response.status.code)")
        }
        let body = try await response.body.collect(upTo: Self.maximumBodySize)
        return Data(body.readableBytesView)
    }
}
