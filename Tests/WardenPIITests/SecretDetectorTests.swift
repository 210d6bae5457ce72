import Foundation
import Testing

@testable import WardenPII

@Suite struct PrivateKeyDetectorTests {
    let detector = PrivateKeyDetector()

    static let rsaBlock = """
        -----BEGIN RSA PRIVATE KEY-----
        MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun
        VTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxK
        -----END RSA PRIVATE KEY-----
        """

    @Test func aBlockSpanningLinesIsFound() {
        #expect(found(detector, in: "key:\n\(Self.rsaBlock)\nthe end") == [Self.rsaBlock])
    }

    @Test func aBlockInAJSONStringIsFound() {
        let escaped = Self.rsaBlock.replacingOccurrences(of: "\n", with: "\\n")
        #expect(found(detector, in: #"{"key":"\#(escaped)\n","id":1}"#) == [escaped])
    }

    @Test(arguments: ["PRIVATE KEY", "EC PRIVATE KEY", "ENCRYPTED PRIVATE KEY", "OPENSSH PRIVATE KEY", "PGP PRIVATE KEY BLOCK"])
    func everyKindOfPrivateKeyIsFound(label: String) {
        let block = "-----BEGIN \(label)-----\nAAAA\n-----END \(label)-----"
        #expect(found(detector, in: "x \(block) y") == [block])
    }

    @Test func aTruncatedBlockIsMaskedToTheEnd() {
        #expect(found(detector, in: "key: -----BEGIN PRIVATE KEY-----\nMIIEvQIBADAN") == ["-----BEGIN PRIVATE KEY-----\nMIIEvQIBADAN"])
    }

    @Test func publicKeysAndCertificatesAreNotSecrets() {
        #expect(found(detector, in: "-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----").isEmpty)
        #expect(found(detector, in: "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----").isEmpty)
    }

    @Test func twoBlocksAreFoundApart() {
        let text = "-----BEGIN PRIVATE KEY-----\nA\n-----END PRIVATE KEY----- and -----BEGIN EC PRIVATE KEY-----\nB\n-----END EC PRIVATE KEY-----"
        #expect(found(detector, in: text).count == 2)
    }
}

@Suite struct TokenDetectorTests {
    let detector = TokenDetector()
    static let jwt = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"

    @Test func jwtsAreFound() {
        #expect(found(detector, in: "token \(Self.jwt) expired") == [Self.jwt])
        #expect(found(detector, in: #"{"id_token":"\#(Self.jwt)"}"#) == [Self.jwt])
        // An unsecured JWT has an empty signature.
        #expect(found(detector, in: "eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0. ok") == ["eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0."])
    }

    @Test func bearerTokensAreFoundWithoutTheWord() {
        #expect(found(detector, in: "Authorization: Bearer \(Self.jwt)") == [Self.jwt])
        #expect(found(detector, in: "authorization: bearer abcdef0123456789ABCDEF~+/= next") == ["abcdef0123456789ABCDEF~+/="])
    }

    @Test func proseIsNotAToken() {
        #expect(found(detector, in: "the bearer of bad news").isEmpty)
        #expect(found(detector, in: "Bearer authentication-without-any-digits").isEmpty)
        #expect(found(detector, in: "Bearer abc123").isEmpty)
        #expect(found(detector, in: "eyJhbGciOiJIUzI1NiJ9 alone").isEmpty)
        #expect(found(detector, in: "xeyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig").isEmpty)
    }
}

@Suite struct KnownTokenDetectorTests {
    let detector = KnownTokenDetector()

    @Test(arguments: [
        "AKIAIOSFODNN7EXAMPLE", "ASIAY34FZKBOKMUTVV7A",
        "ghp_0123456789abcdefghijABCDEFGHIJ012345", "gho_0123456789abcdefghijABCDEFGHIJ012345",
        "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ01234",
        "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx", "xoxp-1234-5678-abcdefghij",
        "AIzaSyA-0123456789abcdefghijklmnopqrstu", "sk_live_0123456789abcdefABCDEF",
    ])
    func vendorTokensAreFound(token: String) {
        #expect(found(detector, in: "key \(token) leaked") == [token])
        #expect(found(detector, in: #"{"k":"\#(token)"}"#) == [token])
    }

    @Test(arguments: [
        "AKIAIOSFODNN7EXAMPL", "AKIAIOSFODNN7EXAMPLE1", "XAKIAIOSFODNN7EXAMPLE", "AKIAiosfodnn7example",
        "ghp_short", "xoxb-123", "xoxz-123456789012-abc", "AKIA",
    ])
    func lookalikesAreNotTokens(text: String) {
        #expect(found(detector, in: text).isEmpty)
    }
}

@Suite struct SecretAssignmentDetectorTests {
    let detector = SecretAssignmentDetector()

    @Test func assignedValuesAreFound() {
        #expect(found(detector, in: "password=hunter2 next") == ["hunter2"])
        #expect(found(detector, in: "DB_PASSWORD: s3cret!") == ["s3cret!"])
        #expect(found(detector, in: #"{"api_key":"abc 123","id":1}"#) == ["abc 123"])
        #expect(found(detector, in: #"{"client_secret": "x\"y"}"#) == [#"x\"y"#])
        #expect(found(detector, in: "https://api.example.com/v1?api_key=abc123&page=2") == ["abc123"])
        #expect(found(detector, in: "X-Api-Key: abc123") == ["abc123"])
        #expect(found(detector, in: "refresh_token='r-1'; user=ada") == ["r-1"])
        #expect(found(detector, in: #"{"pin_token": 12345}"#) == ["12345"])
    }

    @Test func otherNamesAndLiteralsStay() {
        #expect(found(detector, in: "token_count=5 max_tokens=100 user=ada").isEmpty)
        #expect(found(detector, in: "if password == input").isEmpty)
        #expect(found(detector, in: #"{"password": null, "token": true}"#).isEmpty)
        #expect(found(detector, in: #"{"password": ""}"#).isEmpty)
        #expect(found(detector, in: "password reset requested").isEmpty)
        #expect(found(detector, in: #"{"secret": {"a": 1}, "tokens": [1]}"#).isEmpty)
    }
}
