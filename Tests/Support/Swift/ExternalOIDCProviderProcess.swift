import Foundation

/// A running `oidc-provider-mock` (PyPI) started through `Tests/Support/oidc/provider.py`.
///
/// The provider is a real, standard OpenID Connect provider: Warden finds it
/// only through its discovery document and JWKS, exactly as in production.
public final class ExternalOIDCProviderProcess: Sendable {
    public typealias Failure = PythonFixtureProcess.Failure

    public let issuer: String
    private let fixture: PythonFixtureProcess

    private init(fixture: PythonFixtureProcess) {
        self.issuer = fixture.firstLine
        self.fixture = fixture
    }

    public static func start() async throws -> ExternalOIDCProviderProcess {
        let fixture = try await PythonFixtureProcess.start(
            name: "the external OIDC provider", script: "oidc/provider.py", arguments: ["--lifetime", "300"],
            expecting: "http://127.0.0.1:",
            requirement: "the PyPI package oidc-provider-mock: run `pip install oidc-provider-mock`")
        return ExternalOIDCProviderProcess(fixture: fixture)
    }

    /// An ID token for `subject` with `groups`, issued to client id `audience`
    /// through the provider's authorization-code flow (see `id_token.py`).
    public func idToken(subject: String, groups: [String], audience: String) async throws -> String {
        let script = PythonFixtureProcess.supportDirectory.appendingPathComponent("oidc/id_token.py").path
        let (status, output, errors) = await PythonFixtureProcess.run(
            ["python3", script, issuer, subject, groups.joined(separator: ","), audience])
        let token = output.trimmingCharacters(in: .whitespacesAndNewlines)
        guard status == 0, token.split(separator: ".").count == 3 else {
            throw Failure(description: "id_token.py failed (exit status \(status)): \(errors.suffix(2000))")
        }
        return token
    }

    public func stop() {
        fixture.stop()
    }
}
