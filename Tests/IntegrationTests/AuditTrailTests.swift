import Foundation
import Testing

/// The gateway writes a hash-chained audit trail as it works; `warden audit
/// verify` proves it intact, and names the event an attacker edited.
@Suite(.ownThreads) struct AuditTrailTests {
    @Test func aSessionIsAuditedAndAnEditIsDetected() async throws {
        let gateway = try GatewayProcess(postgres: try await PostgresServer.shared())
        let token = try gateway.devToken(subject: "alice", groups: ["analysts"])
        _ = try gateway.psql("SELECT count(*) FROM customers", password: token)
        let outsider = try gateway.devToken(subject: "mallory", groups: ["marketing"])
        _ = try gateway.psql("SELECT 1", password: outsider)
        #expect(gateway.stop() == 0)

        let verify = try gateway.warden(["audit", "verify"])
        #expect(verify.status == 0, "\(verify.output)")
        #expect(verify.stdout.contains("audit trail intact: 4 events checked"), "\(verify.output)")

        let export = try gateway.warden(["audit", "export"])
        let kinds = export.stdout.split(separator: "\n").compactMap { line -> String? in
            let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            return object?["kind"] as? String
        }
        #expect(kinds == ["config.loaded", "connection.accepted", "statement.allowed", "connection.refused"], "\(export.stdout)")
        #expect(export.stdout.contains("SELECT count(*) FROM customers"))
        // The plugin classified the statement; the audit trail keeps what it said.
        #expect(export.stdout.contains(#""class":"read""#), "\(export.stdout)")
        #expect(export.stdout.contains(#""risk":"low""#), "\(export.stdout)")
        #expect(export.stdout.contains(#""targets":"customers""#), "\(export.stdout)")

        // An attacker with the file drops the guard trigger and rewrites event 3.
        try tamper(gateway, trigger: "audit_events_no_update",
                   "UPDATE audit_events SET detail = replace(detail, 'count(*)', 'name') WHERE seq = 3")
        let broken = try gateway.warden(["audit", "verify"])
        #expect(broken.status != 0)
        #expect(broken.stdout.contains("audit trail BROKEN at event #3"), "\(broken.output)")
    }

    @Test func aDeletedEventIsNamed() async throws {
        let gateway = try GatewayProcess(postgres: try await PostgresServer.shared())
        let token = try gateway.devToken(subject: "alice", groups: ["analysts"])
        _ = try gateway.psql("SELECT 1", password: token)
        #expect(gateway.stop() == 0)
        #expect(try gateway.warden(["audit", "verify"]).status == 0)

        // Event #2 (the accepted connection) disappears from the file.
        try tamper(gateway, trigger: "audit_events_no_delete", "DELETE FROM audit_events WHERE seq = 2")
        let broken = try gateway.warden(["audit", "verify"])
        #expect(broken.status != 0)
        #expect(broken.stdout.contains("audit trail BROKEN at event #"), "\(broken.output)")
        #expect(broken.stdout.contains("#2") || broken.stdout.contains("#3"), "\(broken.output)")
    }

    /// A statement's record edited by hand, the trail untouched: verify
    /// compares each record with its event and names the column.
    @Test func aRecordEditedByHandIsNamed() async throws {
        let gateway = try GatewayProcess(postgres: try await PostgresServer.shared())
        let token = try gateway.devToken(subject: "alice", groups: ["analysts"])
        let ran = try gateway.psql("SELECT count(*) FROM customers", password: token)
        #expect(ran.status == 0, "\(ran.output)")
        #expect(gateway.stop() == 0)
        let untouched = try gateway.warden(["audit", "verify"])
        #expect(untouched.status == 0, "\(untouched.output)")
        #expect(untouched.stdout == "audit trail intact: 3 events checked\n", "\(untouched.output)")
        let recorded = try #require(try StoreFile(path: gateway.storePath).rows("SELECT session_id, text FROM statements").first)
        let session = try #require(recorded.first as? String)
        let original = try #require(recorded.last as? String)

        try tamper(gateway, trigger: "none", "UPDATE statements SET text = 'SELECT 1' WHERE sequence = 1")
        let text = try gateway.warden(["audit", "verify"])
        #expect(text.status == 2, "\(text.output)")
        #expect(text.stdout.hasPrefix("records CHANGED: the chain of 3 events is intact"), "\(text.output)")
        #expect(text.stdout.contains("  statement #1 of session \(session) differs from its event #3 (statement.allowed) in text\n"),
                "\(text.output)")

        try tamper(gateway, trigger: "none", "UPDATE statements SET text = '\(original)', verdict = 'deny'")
        let verdict = try gateway.warden(["audit", "verify"])
        #expect(verdict.status == 2, "\(verdict.output)")
        #expect(verdict.stdout.contains("""
              statement #1 of session \(session) differs from its event #3 (statement.allowed) in verdict: the record says deny
            """), "\(verdict.output)")
        #expect(!verdict.stdout.contains("in text"), "\(verdict.output)")
    }

    /// Edits the gateway's SQLite file as an attacker with the file would:
    /// drops the guard trigger, then runs `sql`.
    func tamper(_ gateway: GatewayProcess, trigger: String, _ sql: String) throws {
        let database = gateway.directory.appendingPathComponent("state/warden.db").path
        let result = try Command.run("python3", ["-c", """
            import sqlite3, sys
            db = sqlite3.connect(sys.argv[1])
            db.execute("DROP TRIGGER IF EXISTS " + sys.argv[2])
            db.execute(sys.argv[3])
            db.commit()
            """, database, trigger, sql])
        #expect(result.status == 0, "\(result.output)")
    }
}
