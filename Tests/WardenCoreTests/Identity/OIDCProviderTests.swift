import Crypto
import Foundation
import Testing

@testable import WardenCore

@Suite("OIDC provider: signatures and keys")
struct OIDCProviderTests {
    @Test("RS256, ES256 and EdDSA tokens from published keys are accepted", arguments: ["RS256", "ES256", "EdDSA"])
    func acceptsEachAlgorithm(_ algorithm: String) async throws {
        let key: TestKey =
            switch algorithm {
            case "RS256": .rs256()
            case "ES256": .es256()
            default: .edDSA()
            }
        try await ProviderFixture.with(keys: [key]) { fixture in
            let claims = fixture.claims(subject: "alice@example.com", extra: ["groups": ["admins", "dev"]])
            let identity = try await fixture.provider.validate(key.sign(claims))
            #expect(identity.subject == "alice@example.com")
            #expect(identity.groups == ["admins", "dev"])
            #expect(identity.issuer == fixture.issuer)
            #expect(identity.expiresAt == Date(timeIntervalSince1970: TimeInterval(claims["exp"] as! Int)))
        }
    }

    @Test("a token without kid is matched against keys of its algorithm")
    func tokenWithoutKeyID() async throws {
        let rsa = TestKey.rs256("rsa-1")
        let ec = TestKey.es256("ec-1")
        try await ProviderFixture.with(keys: [ec, rsa]) { fixture in
            let unlabelled = TestKey(keyID: nil, material: rsa.material)
            let identity = try await fixture.provider.validate(unlabelled.sign(fixture.claims()))
            #expect(identity.subject == "alice")
        }
    }

    @Test("a signature from another key with the same kid is refused")
    func forgedSignature() async throws {
        let genuine = TestKey.es256("shared-kid")
        let forger = TestKey.es256("shared-kid")
        let genuineRSA = TestKey.rs256("rsa-kid")
        let forgerRSA = TestKey.rs256("rsa-kid", key: TestKey.otherRSA)
        try await ProviderFixture.with(keys: [genuine, genuineRSA]) { fixture in
            let rejection = await fixture.rejection(forger.sign(fixture.claims()))
            #expect(rejection == TokenRejection(.invalidSignature, "token signature is not valid"))
            // Same for RSA, whose verification path differs.
            #expect(await fixture.rejection(forgerRSA.sign(fixture.claims())) == .invalidSignature)
            // The genuine keys still work, and a bad signature caused no refetch.
            _ = try await fixture.provider.validate(genuineRSA.sign(fixture.claims()))
            #expect(fixture.server.hits("/jwks") == 1)
        }
    }

    @Test("a token whose payload was changed after signing is refused")
    func tamperedPayload() async throws {
        let key = TestKey.edDSA()
        try await ProviderFixture.with(keys: [key]) { fixture in
            let token = key.sign(fixture.claims(extra: ["groups": ["dev"]]))
            let tampered = TestJWT.replacingPayload(of: token, with: fixture.claims(extra: ["groups": ["admins"]]))
            #expect(await fixture.rejection(tampered) == .invalidSignature)
        }
    }

    @Test("alg none is refused with a clear reason")
    func algNone() async throws {
        let key = TestKey.rs256()
        try await ProviderFixture.with(keys: [key]) { fixture in
            let token = TestJWT.signingInput(header: ["alg": "none", "kid": "rsa-1"], claims: fixture.claims()) + "."
            let rejection = await fixture.rejection(token)
            #expect(rejection?.kind == .algorithmNotAccepted)
            #expect(rejection?.message == "token is unsigned (alg none), which is not accepted")
            // The check is not case-sensitive.
            let shouted = TestJWT.signingInput(header: ["alg": "NONE"], claims: fixture.claims()) + "."
            #expect(await fixture.rejection(shouted)?.kind == .algorithmNotAccepted)
        }
    }

    @Test("HS256 signed with the issuer's public key as secret is refused")
    func hmacWithPublicKey() async throws {
        let key = TestKey.rs256()
        try await ProviderFixture.with(keys: [key]) { fixture in
            // The classic confusion attack: the verifier's public key used as the HMAC secret.
            let secret = Data(TestKey.sharedRSA.publicKey.pemRepresentation.utf8)
            let input = TestJWT.signingInput(header: ["alg": "HS256", "kid": "rsa-1", "typ": "JWT"], claims: fixture.claims())
            let mac = HMAC<SHA256>.authenticationCode(for: Data(input.utf8), using: SymmetricKey(data: secret))
            let rejection = await fixture.rejection("\(input).\(Base64URL.encode(Data(mac)))")
            #expect(rejection?.kind == .algorithmNotAccepted)
            #expect(rejection?.message.hasPrefix("token algorithm HS256 is not accepted") == true)
            #expect(fixture.server.hits("/jwks") <= 1)
        }
    }

    @Test("other algorithms such as PS256 and RS512 are refused", arguments: ["PS256", "RS512", "ES384", "HS512"])
    func otherAlgorithms(_ alg: String) async throws {
        let key = TestKey.rs256()
        try await ProviderFixture.with(keys: [key]) { fixture in
            let rejection = await fixture.rejection(key.sign(fixture.claims(), header: ["alg": alg]))
            #expect(rejection?.kind == .algorithmNotAccepted)
            #expect(rejection?.message.contains("token algorithm \(alg) is not accepted") == true)
        }
    }

    @Test("a token's alg cannot turn an RSA key into an ES256 key")
    func algorithmBoundToKey() async throws {
        let rsa = TestKey.rs256("k")
        let ec = TestKey.es256("k")
        try await ProviderFixture.with(keys: [rsa]) { fixture in
            // An ES256 token naming the RSA key's kid finds no ES256 key under that id.
            let rejection = await fixture.rejection(ec.sign(fixture.claims()))
            #expect(rejection?.kind == .unknownKey)
        }
    }

    @Test("JWKS keys of kty oct are ignored")
    func symmetricKeysIgnored() async throws {
        let ec = TestKey.es256("ec-1")
        try await ProviderFixture.with(keys: []) { fixture in
            fixture.server.publish(rawKeys: [["kty": "oct", "kid": "oct-1", "k": Base64URL.encode(Data("secret".utf8))], ec.jwk])
            let identity = try await fixture.provider.validate(ec.sign(fixture.claims()))
            #expect(identity.subject == "alice")
            let input = TestJWT.signingInput(header: ["alg": "HS256", "kid": "oct-1"], claims: fixture.claims())
            let mac = HMAC<SHA256>.authenticationCode(for: Data(input.utf8), using: SymmetricKey(data: Data("secret".utf8)))
            #expect(await fixture.rejection("\(input).\(Base64URL.encode(Data(mac)))")?.kind == .algorithmNotAccepted)
        }
    }

    @Test("malformed tokens are refused without echoing them")
    func malformed() async throws {
        try await ProviderFixture.with(keys: [TestKey.es256()]) { fixture in
            #expect(await fixture.rejection("") == .noToken)
            #expect(await fixture.rejection("secret-password")?.kind == .malformed)
            #expect(await fixture.rejection("a.b.c.d.e")?.message == "token is malformed: encrypted tokens (JWE) are not accepted")
            let junk = await fixture.rejection("ey!!.ey.sig")
            #expect(junk?.kind == .malformed)
            #expect(junk?.message.contains("ey!!") == false)
            #expect(fixture.server.hits("/jwks") == 0)
        }
    }
}
