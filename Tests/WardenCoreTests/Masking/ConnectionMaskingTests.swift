import CWardenPlugin
import Testing
@testable import WardenCore

/// Which rule masks which field, and how detect rules chain.
@Suite struct ConnectionMaskingTests {
    struct Column {
        var name: String
        var source: String = ""
        var value: String?
    }

    /// Runs `masking` over one row and returns the values the client would see.
    func apply(_ masking: ConnectionMasking, _ columns: [Column]) -> [String?] {
        var arena = ByteArena()
        let ranges = columns.map { (arena.add($0.name), arena.add($0.source), arena.add($0.value ?? "")) }
        var result = columns.map(\.value)
        let status = arena.bytes.withUnsafeBufferPointer { base in
            let fields = zip(columns, ranges).map { column, range in
                warden_field(
                    size: UInt32(MemoryLayout<warden_field>.size), is_null: column.value == nil ? 1 : 0,
                    name: ByteArena.slice(base, range.0), source: ByteArena.slice(base, range.1),
                    type_name: warden_bytes(), value: ByteArena.slice(base, range.2))
            }
            return fields.withUnsafeBufferPointer { fields in
                masking.mask(fields) { index, value in result[index] = value.text }
            }
        }
        #expect(status == WARDEN_OK)
        return result
    }

    @Test func columnPatternsMatchNamesAndSources() {
        #expect(ColumnPattern("email").matches(name: "email", source: nil))
        #expect(ColumnPattern("email").matches(name: "e", source: "customers.email"), "a renamed column stays masked")
        #expect(ColumnPattern("EMAIL").matches(name: "Email", source: nil))
        #expect(!ColumnPattern("email").matches(name: "emails", source: "customers.emails"))
        #expect(ColumnPattern("customers.phone").matches(name: "p", source: "customers.phone"))
        #expect(ColumnPattern("customers.phone").matches(name: "p", source: "public.customers.phone"))
        #expect(!ColumnPattern("customers.phone").matches(name: "phone", source: "suppliers.phone"))
        #expect(!ColumnPattern("customers.phone").matches(name: "phone", source: nil), "a qualified rule needs the source")
        #expect(ColumnPattern("*.ssn").matches(name: "x", source: "people.ssn"))
        #expect(!ColumnPattern("*.ssn").matches(name: "ssn", source: nil))
    }

    @Test func theFirstColumnRuleWinsAndOthersAreDetected() {
        let masking = ConnectionMasking(
            columnRules: [
                .init(patterns: [ColumnPattern("email")], masker: TestMaskers.instance("stars")),
                .init(patterns: [ColumnPattern("*.email"), ColumnPattern("*.ssn")], masker: TestMaskers.instance("find", word: "x")),
            ],
            detectors: [TestMaskers.instance("find", word: "secret")])
        let row = apply(masking, [
            Column(name: "id", value: "1"),
            Column(name: "e", source: "customers.email", value: "ada@example.com"),
            Column(name: "ssn", source: "people.ssn", value: "x-1"),
            Column(name: "note", value: "my secret"),
            Column(name: "nothing", value: nil),
        ])
        #expect(row == ["1", "***", "<x>-1", "my <secret>", nil])
    }

    @Test func detectRulesChainSoEveryFindingIsMasked() {
        let masking = ConnectionMasking(columnRules: [], detectors: [
            TestMaskers.instance("find", word: "card"), TestMaskers.instance("find", word: "mail"),
        ])
        let row = apply(masking, [Column(name: "doc", value: "card and mail"), Column(name: "plain", value: "nothing")])
        #expect(row == ["<card> and <mail>", "nothing"])
    }

    @Test func withoutRulesNothingChanges() {
        let masking = ConnectionMasking(columnRules: [], detectors: [])
        #expect(masking.isEmpty)
        #expect(apply(masking, [Column(name: "email", value: "ada@example.com")]) == ["ada@example.com"])
    }

    @Test func rulesAreReadFromTheConfiguration() throws {
        let yaml = ConnectionPolicyTests.yaml.replacingOccurrences(of: "    default: allow\n", with: """
                default: allow
                masking:
                  - { columns: [email], masker: pii.email }
                  - { columns: ["customers.phone", "*.ssn"], masker: pii.partial, options: { keep: 4 } }
                  - { detect: [card, email, ssn, iban, secret], masker: pii.redact }

            """)
        let rules = try WardenConfig.parse(yaml: yaml, file: "w.yaml").connections[0].masking
        #expect(rules.count == 3)
        #expect(rules[0].selector == .columns([ColumnPattern("email")]))
        #expect(rules[1].plugin == "pii" && rules[1].masker == "partial" && rules[1].options == ["keep": "4"])
        #expect(rules[2].selector == .detect(["card", "email", "ssn", "iban", "secret"]))
        #expect(rules[2].options == ["detect": "card,email,ssn,iban,secret"])

        let bad = yaml.replacingOccurrences(of: "masker: pii.email", with: "masker: email")
        #expect(throws: ConfigError.self) { try WardenConfig.parse(yaml: bad, file: "w.yaml") }
        let both = yaml.replacingOccurrences(of: "{ columns: [email], masker", with: "{ columns: [email], detect: [card], masker")
        #expect(throws: ConfigError.self) { try WardenConfig.parse(yaml: both, file: "w.yaml") }
    }
}
