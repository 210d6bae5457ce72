import Foundation
import NIOConcurrencyHelpers
import Testing

@testable import WardenCore

@Suite("Dev issuer")
struct DevIssuerTests {
    /// A fresh directory per test, removed afterwards.
    func withTemporaryDirectory<T>(_ body: (URL) throws -> T) throws -> T {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("warden-dev-issuer-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        return try body(directory)
    }

    func mode(of url: URL) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as! NSNumber).intValue
    }

    @Test("issued tokens validate and carry subject, groups and expiry")
    func roundTrip() throws {
        try withTemporaryDirectory { directory in
            let issuer = try DevIssuer(keyFile: directory.appendingPathComponent("dev.key"), audience: "warden")
            let before = Date()
            let token = try issuer.issue(subject: "alice", groups: ["admins", "dev"], ttl: .seconds(900))
            let identity = try issuer.validate(token)
            #expect(identity.subject == "alice")
            #expect(identity.groups == ["admins", "dev"])
            #expect(identity.issuer == "urn:warden:dev-issuer")
            #expect(abs(identity.expiresAt.timeIntervalSince(before) - 900) < 3)
            #expect(TestJWT.payload(of: token)["aud"] as? String == "warden")
        }
    }

    @Test("the key is created with mode 0600 and reused by later instances")
    func keyPersisted() throws {
        try withTemporaryDirectory { directory in
            let keyFile = directory.appendingPathComponent("nested/dev.key")
            let first = try DevIssuer(keyFile: keyFile, audience: "warden")
            #expect(try mode(of: keyFile) == 0o600)
            let pem = try String(contentsOf: keyFile, encoding: .utf8)
            #expect(pem.contains("PRIVATE KEY"))

            let token = try first.issue(subject: "bob", groups: [], ttl: .seconds(60))
            let second = try DevIssuer(keyFile: keyFile, audience: "warden")
            #expect(try second.validate(token).subject == "bob")
            #expect(try String(contentsOf: keyFile, encoding: .utf8) == pem)
            // No temporary files are left behind.
            #expect(try FileManager.default.contentsOfDirectory(atPath: keyFile.deletingLastPathComponent().path) == ["dev.key"])
        }
    }

    @Test("instances racing to create the key all end up with the same one")
    func racingCreation() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("warden-race-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let keyFile = directory.appendingPathComponent("dev.key")
        let issuers = try await withThrowingTaskGroup(of: DevIssuer.self) { group in
            for _ in 0..<8 {
                group.addTask { try DevIssuer(keyFile: keyFile, audience: "warden") }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        // Every instance accepts every other instance's tokens: one key won.
        for signer in issuers {
            let token = try signer.issue(subject: "carol", groups: [], ttl: .seconds(60))
            for verifier in issuers {
                #expect(try verifier.validate(token).subject == "carol")
            }
        }
        #expect(try mode(of: keyFile) == 0o600)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["dev.key"])
    }

    @Test("a key file readable by others is refused")
    func looseKeyFile() throws {
        try withTemporaryDirectory { directory in
            let keyFile = directory.appendingPathComponent("dev.key")
            _ = try DevIssuer(keyFile: keyFile, audience: "warden")
            try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: keyFile.path)
            let error = #expect(throws: DevIssuerError.self) {
                _ = try DevIssuer(keyFile: keyFile, audience: "warden")
            }
            #expect(error?.message.contains("chmod 600") == true)
        }
    }

    @Test("a key file with garbage is refused, not replaced")
    func garbageKeyFile() throws {
        try withTemporaryDirectory { directory in
            let keyFile = directory.appendingPathComponent("dev.key")
            _ = FileManager.default.createFile(atPath: keyFile.path, contents: Data("nope".utf8), attributes: [.posixPermissions: 0o600])
            #expect(throws: DevIssuerError.self) { _ = try DevIssuer(keyFile: keyFile, audience: "warden") }
            let content = try String(contentsOf: keyFile, encoding: .utf8)
            #expect(content == "nope")
        }
    }

    @Test("expired, tampered, foreign-key and wrong-audience dev tokens are refused")
    func refusals() throws {
        try withTemporaryDirectory { directory in
            let clock = TestClock()
            let keyFile = directory.appendingPathComponent("dev.key")
            let issuer = try DevIssuer(keyFile: keyFile, audience: "warden", clockSkew: .seconds(60), now: { clock.now() })
            let token = try issuer.issue(subject: "dave", groups: ["dev"], ttl: .seconds(300))

            var claims = TestJWT.payload(of: token)
            claims["groups"] = ["admins"]
            #expect(throws: TokenRejection.invalidSignature) { try issuer.validate(TestJWT.replacingPayload(of: token, with: claims)) }

            let other = try DevIssuer(keyFile: directory.appendingPathComponent("other.key"), audience: "warden")
            #expect(throws: TokenRejection.self) { try other.validate(token) }

            let otherAudience = try DevIssuer(keyFile: keyFile, audience: "grafana")
            #expect(throws: TokenRejection(.wrongAudience, "token audience does not include 'grafana'")) {
                try otherAudience.validate(token)
            }

            clock.advance(seconds: 300 + 61)
            let rejection = #expect(throws: TokenRejection.self) { try issuer.validate(token) }
            #expect(rejection?.kind == .expired)
        }
    }

    @Test("dev validation refuses alg none and HS256 like the OIDC path")
    func algorithms() throws {
        try withTemporaryDirectory { directory in
            let issuer = try DevIssuer(keyFile: directory.appendingPathComponent("dev.key"), audience: "warden")
            let claims = TestJWT.claims(issuer: DevIssuer.issuer)
            let unsigned = TestJWT.signingInput(header: ["alg": "none"], claims: claims) + "."
            let rejection = #expect(throws: TokenRejection.self) { try issuer.validate(unsigned) }
            #expect(rejection?.kind == .algorithmNotAccepted)
            let hmac = TestJWT.signingInput(header: ["alg": "HS256"], claims: claims) + ".c2ln"
            #expect(throws: TokenRejection.self) { try issuer.validate(hmac) }
        }
    }

    @Test("empty subject and non-positive lifetime are refused at issue time")
    func issueArguments() throws {
        try withTemporaryDirectory { directory in
            let issuer = try DevIssuer(keyFile: directory.appendingPathComponent("dev.key"), audience: "warden")
            #expect(throws: DevIssuerError.self) { _ = try issuer.issue(subject: "", groups: [], ttl: .seconds(60)) }
            #expect(throws: DevIssuerError.self) { _ = try issuer.issue(subject: "x", groups: [], ttl: .zero) }
        }
    }
}
