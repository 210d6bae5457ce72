import Foundation
import Testing

@testable import WardenPII

/// The `hash` masker's key, read from the real environment and file system.
@Suite struct HashKeyTests {
    /// A temporary file holding `contents`, removed by the caller.
    func keyFile(_ contents: String) throws -> String {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("warden-pii-\(UUID().uuidString).key").path
        try contents.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func theKeyComesFromAnEnvironmentVariable() throws {
        setenv("WARDEN_PII_TEST_KEY_A", "first-key-0123456789", 1)
        setenv("WARDEN_PII_TEST_KEY_B", "second-key-0123456789", 1)
        let first = try MaskerFactory.make(named: "pii.hash", options: ["key_env": "WARDEN_PII_TEST_KEY_A"])
        let again = try MaskerFactory.make(named: "pii.hash", options: ["key_env": "WARDEN_PII_TEST_KEY_A"])
        let second = try MaskerFactory.make(named: "pii.hash", options: ["key_env": "WARDEN_PII_TEST_KEY_B"])

        // Same input and key: same output, across instances, so masked columns join.
        #expect(first.mask("ada@example.com") == again.mask("ada@example.com"))
        // Another key: another output.
        #expect(first.mask("ada@example.com") != second.mask("ada@example.com"))
        #expect(first.mask("ada@example.com") == HMACDigest(key: Array("first-key-0123456789".utf8)).token(for: "ada@example.com"))
    }

    @Test func theKeyComesFromAFileWithoutItsLineBreak() throws {
        setenv("WARDEN_PII_TEST_KEY_C", "file-or-env-0123456789", 1)
        let path = try keyFile("file-or-env-0123456789\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let fromFile = try MaskerFactory.make(named: "pii.hash", options: ["key_file": path])
        let fromEnvironment = try MaskerFactory.make(named: "pii.hash", options: ["key_env": "WARDEN_PII_TEST_KEY_C"])
        #expect(fromFile.mask("4111 1111 1111 1111") == fromEnvironment.mask("4111 1111 1111 1111"))
    }

    @Test func anEmptyKeyFileIsRefused() throws {
        let path = try keyFile("\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(throws: OptionError.self) { try MaskerFactory.make(named: "pii.hash", options: ["key_file": path]) }
    }

    @Test func aMissingKeyFileIsNamed() throws {
        do {
            _ = try MaskerFactory.make(named: "pii.hash", options: ["key_file": "/nonexistent/warden-pii.key"])
            Issue.record("a missing key file was accepted")
        } catch {
            #expect(error.option == "key_file")
            #expect(error.description.contains("'/nonexistent/warden-pii.key', which cannot be read"))
        }
    }

    @Test func hashingInDetectModeHashesEachSpan() throws {
        let hash = try masker("pii.hash", ["key_env": "K", "detect": "email"], keys: ["K": testKey])
        let token = HMACDigest(key: Array(testKey.utf8)).token(for: "ada@example.com")
        #expect(hash.mask("from ada@example.com to ada@example.com") == "from \(token) to \(token)")
    }
}
