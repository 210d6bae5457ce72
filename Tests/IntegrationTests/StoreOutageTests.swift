import Foundation
import Testing

/// Another process holds the store's write lock far longer than the busy
/// timeout (as a backup or a second tool might): the gateway loses no
/// record and no audit event, refuses the statements it cannot record with
/// a clear error, and `warden audit verify` finds the trail whole, then
/// finds the hole someone makes by hand and hides by re-hashing the chain.
///
/// The busy timeout is 1 s here (30 s before it was configurable, after
/// which whole batches used to be dropped); the lock is held for several
/// times that, across many failed writes.
@Suite(.serialized, .ownThreads, .timeLimit(.minutes(3))) struct StoreOutageTests {
    let postgres: PostgresServer

    init() async throws {
        postgres = try await PostgresServer.shared()
    }

    /// Holds an exclusive write lock on the SQLite file until a line arrives on stdin.
    static let lockScript = """
        import sqlite3, sys
        db = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=30)
        db.execute("BEGIN EXCLUSIVE")
        print("locked", flush=True)
        sys.stdin.readline()
        db.execute("COMMIT")
        print("released", flush=True)
        """

    /// Removes the audit event of the statement whose text contains
    /// argv[2], then re-hashes the whole chain (the recipe in AuditHash) and
    /// moves audit_head, so that the chain itself verifies. Prints the
    /// statement's session id.
    static let removeAndRehashScript = """
        import hashlib, math, sqlite3, sys
        def field(out, value):
            if value is None:
                out += b"\\x00"
                return
            data = value.encode()
            out += b"\\x01" + len(data).to_bytes(8, "big") + data
        def digest(seq, at, kind, actor, session, detail, prev):
            out = bytearray()
            for value in ["warden.audit.v1", str(seq), str(math.floor(at * 1000 + 0.5)), kind, actor, session, detail, prev]:
                field(out, value)
            return hashlib.sha256(out).hexdigest()
        db = sqlite3.connect(sys.argv[1], isolation_level=None)
        db.execute("DROP TRIGGER IF EXISTS audit_events_no_delete")
        db.execute("DROP TRIGGER IF EXISTS audit_events_no_update")
        session, sequence = db.execute("SELECT session_id, sequence FROM statements WHERE text LIKE ?", ("%" + sys.argv[2] + "%",)).fetchone()
        db.execute("BEGIN IMMEDIATE")
        db.execute("DELETE FROM audit_events WHERE kind LIKE 'statement.%' AND session_id = ? AND json_extract(detail, '$.sequence') = ?", (session, str(sequence)))
        rows = db.execute("SELECT at, kind, actor, session_id, detail FROM audit_events ORDER BY seq").fetchall()
        db.execute("DELETE FROM audit_events")
        prev = "0" * 64
        for seq, (at, kind, actor, session_id, detail) in enumerate(rows, 1):
            hash = digest(seq, at, kind, actor, session_id, detail, prev)
            db.execute("INSERT INTO audit_events VALUES (?, ?, ?, ?, ?, ?, ?, ?)", (seq, at, kind, actor, session_id, detail, prev, hash))
            prev = hash
        db.execute("UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1", (len(rows), prev))
        db.execute("COMMIT")
        print(session)
        """

    func psql(_ sql: String, token: String, gateway: GatewayProcess) throws -> CommandResult {
        try Command.run("psql", [
            gateway.connectionString(), "-X", "-w", "-A", "-t", "-v", "VERBOSITY=verbose", "-c", sql,
        ], environment: ["PGPASSWORD": token, "PGCONNECT_TIMEOUT": "10"])
    }

    @Test func aLockedStoreLosesNothingAndRefusesWhatItCannotRecord() throws {
        let gateway = try GatewayProcess(postgres: postgres, storeOptions: "busy_timeout: 1s, unavailable_timeout: 3s")
        defer { gateway.stop() }
        let token = try gateway.devToken(subject: "alice", groups: ["analysts"])

        let before = try psql("SELECT 'outage_a'", token: token, gateway: gateway)
        #expect(before.stdout.contains("outage_a"), "\(before.output)")

        let lock = try InteractiveCommand("python3", ["-c", Self.lockScript, gateway.storePath])
        lock.waitForOutput("locked")
        #expect(lock.stdout.contains("locked"), "\(lock.stderr)")

        // Signed in and run while the writer is still inside its busy
        // timeout: admitted (or, on a slow machine, refused as below);
        // either way its records wait in memory with the batch that fails.
        let early = try psql("SELECT 'outage_b'", token: token, gateway: gateway)
        #expect(early.stdout.contains("outage_b") || early.stderr.contains("58030"), "\(early.output)")

        try gateway.waitForLog("could not write to the store; retrying until it succeeds")
        // While writes fail: the statement waits store.unavailable_timeout, then is refused.
        let refused = try psql("SELECT 'outage_c'", token: token, gateway: gateway)
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("ERROR:  58030: the audit store is unavailable"), "\(refused.output)")
        #expect(!refused.stdout.contains("outage_c"))

        lock.send("release")
        lock.waitForOutput("released")
        lock.finish()
        try gateway.waitForLog("the store can be written again")
        let after = try psql("SELECT 'outage_d'", token: token, gateway: gateway)
        #expect(after.stdout.contains("outage_d"), "\(after.output)")
        #expect(gateway.stop() == 0)

        // Four sessions and four statements, each with its audit event.
        #expect(try gateway.storeCount("SELECT count(*) FROM sessions") == 4)
        #expect(try gateway.storeCount("SELECT count(*) FROM statements") == 4)
        #expect(try gateway.storeCount("SELECT count(*) FROM audit_events WHERE kind = 'connection.accepted'") == 4)
        #expect(try gateway.storeCount("SELECT count(*) FROM audit_events WHERE kind LIKE 'statement.%'") == 4)
        #expect(try gateway.storeCount(
            "SELECT count(*) FROM statements WHERE text LIKE '%outage_c%' AND verdict = 'deny' AND reason LIKE 'the audit store is unavailable%'") == 1)
        let verify = try gateway.warden(["audit", "verify"])
        #expect(verify.status == 0, "\(verify.output)")
        #expect(verify.stdout.contains("audit trail intact"), "\(verify.output)")

        // A statement's event removed and the chain re-hashed: the chain
        // verifies, the missing event does not.
        let tamper = try Command.run("python3", ["-c", Self.removeAndRehashScript, gateway.storePath, "outage_d"])
        let session = tamper.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(tamper.status == 0 && !session.isEmpty, "\(tamper.output)")
        let holes = try gateway.warden(["audit", "verify"])
        #expect(holes.status == 2, "\(holes.output)")
        #expect(holes.stdout.contains("audit trail has HOLES"), "\(holes.output)")
        #expect(holes.stdout.contains("statement #1 of session \(session) has no statement.allowed or statement.denied event"),
                "\(holes.output)")
    }
}
