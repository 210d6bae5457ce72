import Testing
import WardenPluginSDK

@testable import WardenPII

/// Detect rules: only the spans found change; everything around them stays.
@Suite struct DetectingMaskerTests {
    @Test func onlyTheSpanIsReplaced() throws {
        let redact = try masker("pii.redact", ["detect": "card"])
        #expect(redact.mask("card 4111 1111 1111 1111 on file") == "card **** on file")
    }

    @Test func aValueWithoutFindingsIsNotReturned() throws {
        let redact = try masker("pii.redact", ["detect": "all"])
        #expect(redact.mask("nothing to see on 2026-11-25, order 1234567890123456") == nil)
        #expect(redact.mask([Field(name: "n", value: nil), Field(name: "t", value: "")]).isEmpty)
    }

    @Test func severalFindingsInOneValue() throws {
        let redact = try masker("pii.redact", ["detect": "all", "replacement": "[x]"])
        let text = "mail ada@example.com or call +1 415 555 0123, ssn 123-45-6789, IBAN GB82 WEST 1234 5698 7654 32, "
            + "from 10.0.0.1 with AKIAIOSFODNN7EXAMPLE; card 4111-1111-1111-1111."
        #expect(redact.mask(text) == "mail [x] or call [x], ssn [x], IBAN [x], from [x] with [x]; card [x].")
    }

    @Test func nineDigitsInAnSSNColumnAreMasked() throws {
        let redact = try masker("pii.redact", ["detect": "ssn"])
        let changed = redact.mask([
            Field(name: "tax_id", source: "public.people.ssn", value: "123456789"),
            Field(name: "order_id", source: "public.orders.id", value: "123456789"),
        ])
        #expect(changed == [0: "****"])
        #expect(try masker("pii.redact", ["detect": "email"]).mask([Field(name: "ssn", value: "123456789")]).isEmpty)
    }

    @Test func onlyTheNamedDetectorsRun() throws {
        let redact = try masker("pii.redact", ["detect": "email"])
        #expect(redact.mask("ada@example.com 123-45-6789") == "**** 123-45-6789")
    }

    @Test func textAroundSpansKeepsEveryByte() throws {
        let redact = try masker("pii.redact", ["detect": "email,phone"])
        #expect(redact.mask("Café ☕ ada@example.com\n\t(415) 555-0123 — fin") == "Café ☕ ****\n\t**** — fin")
    }

    @Test func partialKeepsTheEndOfEachSpan() throws {
        let partial = try masker("pii.partial", ["detect": "card,ssn", "keep": "4"])
        #expect(partial.mask("card 4111 1111 1111 1111, ssn 123-45-6789") == "card ***************1111, ssn *******6789")
    }

    @Test func emailKeepsTheDomainOfEmailsAndRedactsTheRest() throws {
        let email = try masker("pii.email", ["detect": "email,ssn"])
        #expect(email.mask("ada@example.com, 123-45-6789") == "****@example.com, ****")
    }

    @Test func anEmailInsideAJSONDocument() throws {
        let document = #"{"id":1,"email":"ada@example.com"}"#
        #expect(try masker("pii.email", ["detect": "all"]).mask(document, typeName: "json") == #"{"id":1,"email":"****@example.com"}"#)
        #expect(try masker("pii.redact", ["detect": "all"]).mask(document, typeName: "json") == #"{"id":1,"email":"****"}"#)
        // As plain text the document is masked the same way: the quotes end the address.
        #expect(try masker("pii.redact", ["detect": "email"]).mask(document) == #"{"id":1,"email":"****"}"#)
    }

    @Test func aBareJSONValueBecomesAString() throws {
        let document = #"{"card": 4111111111111111, "n": 2}"#
        #expect(try masker("pii.redact", ["detect": "card"]).mask(document, typeName: "jsonb") == #"{"card": "****", "n": 2}"#)
        #expect(try masker("pii.partial", ["detect": "card"]).mask(document, typeName: "jsonb")
            == #"{"card": "************1111", "n": 2}"#)
        // Text that only looks like JSON is masked in place.
        #expect(try masker("pii.redact", ["detect": "card"]).mask(document, typeName: "text") == #"{"card": ****, "n": 2}"#)
    }

    @Test func aSecretAssignmentInJSONMasksOnlyTheValue() throws {
        let redact = try masker("pii.redact", ["detect": "secret"])
        #expect(redact.mask(#"{"user":"ada","password":"hunter2","pin_token":1234}"#, typeName: "json")
            == #"{"user":"ada","password":"****","pin_token":"****"}"#)
    }

    @Test func aSpanCrossingJSONStringsNeverOverwritesStructure() throws {
        // A key block whose END marker is in a later string: every string the span
        // touches is masked (the key "b" included), the quotes, colons and commas stay.
        let document = #"{"a":"-----BEGIN PRIVATE KEY-----\nMII","b":"xyz\n-----END PRIVATE KEY-----"}"#
        #expect(try masker("pii.redact", ["detect": "secret"]).mask(document, typeName: "json") == #"{"a":"****","****":"****"}"#)
    }

    @Test func anEscapeInAJSONStringIsMaskedWholeOrNotAtAll() throws {
        let redact = try masker("pii.redact", ["detect": "email,ip"])
        // The detector reads "\nada@…" as text and starts the address at "n": the escape goes with it.
        #expect(redact.mask(#"{"note":"line\nada@example.com"}"#, typeName: "json") == #"{"note":"line****"}"#)
        #expect(redact.mask(#"{"n":"\u00e9ada@example.com, 10.0.0.1\t"}"#, typeName: "json") == #"{"n":"****, ****\t"}"#)
        #expect(redact.mask(#"{"n":"\\ada@example.com"}"#, typeName: "json") == #"{"n":"\\****"}"#)
    }

    @Test func overlappingFindingsAreMaskedAsOne() throws {
        let redact = try masker("pii.redact", ["detect": "ip"])
        // The IPv4 detector also finds 192.0.2.128 inside the IPv6 address.
        #expect(redact.mask("from ::ffff:192.0.2.128 on") == "from **** on")
    }

    @Test func mergingKeepsEveryFlaggedByte() {
        let merged = ContentScanner.merge([
            Detection(range: 10..<20, kind: .card),
            Detection(range: 5..<12, kind: .phone),
            Detection(range: 30..<35, kind: .email),
            Detection(range: 18..<25, kind: .iban),
            Detection(range: 40..<40, kind: .ssn),
        ])
        #expect(merged == [Detection(range: 5..<25, kind: .card), Detection(range: 30..<35, kind: .email)])
    }

    @Test func aPEMBlockIsMaskedAcrossLines() throws {
        let text = "before\n-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEI\nabc\n-----END EC PRIVATE KEY-----\nafter"
        #expect(try masker("pii.redact", ["detect": "secret"]).mask(text) == "before\n****\nafter")
    }

    @Test func aBearerHeaderKeepsTheScheme() throws {
        let jwt = TokenDetectorTests.jwt
        #expect(try masker("pii.redact", ["detect": "secret"]).mask("Authorization: Bearer \(jwt)") == "Authorization: Bearer ****")
    }

    @Test func everyFieldOfABatchIsScanned() throws {
        let redact = try masker("pii.redact", ["detect": "email"])
        let fields = [
            Field(name: "id", typeName: "int4", value: "1"),
            Field(name: "note", typeName: "text", value: "ask ada@example.com"),
            Field(name: "gone", typeName: "text", value: nil),
            Field(name: "doc", typeName: "json", value: #"{"e":"bob@example.org"}"#),
        ]
        #expect(redact.mask(fields) == [1: "ask ****", 3: #"{"e":"****"}"#])
    }
}
