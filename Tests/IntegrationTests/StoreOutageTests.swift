import Foundation
import Testing

/// Issue 10's must-show: a store locked for 75 s under traffic. Another
/// process holds the SQLite write lock (as a backup or a second tool
/// might) while long-lived sessions keep running statements and new
/// clients sign in. The gateway loses no record and no audit event: each
/// statement either ran and is recorded as allowed with its result, or was
/// refused with SQLSTATE 58030 and is recorded as denied. `warden audit
/// verify` then finds the trail whole, and finds the hole someone makes by
/// hand and hides by re-hashing the chain.
///
/// The store runs with its default `busy_timeout` (5 s) and
/// `unavailable_timeout` (10 s), so the 75 s lock spans many failed writes
/// and many refusals.
@Suite(.serialized, .ownThreads, .timeLimit(.minutes(4))) struct StoreOutageTests {
    let postgres: PostgresServer

    init() async throws {
        postgres = try await PostgresServer.shared()
    }

    /// How long the store stays locked.
    static let outage = Duration.seconds(75)

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

    /// Removes the audit event of the statement whose text contains argv[2]
    /// (its value, quotes included), then re-hashes the whole chain (the
    /// recipe in AuditHash) and moves audit_head, so that the chain itself
    /// verifies. Prints the statement's session id and number.
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
        session, sequence = db.execute("SELECT session_id, sequence FROM statements WHERE instr(text, ?) > 0", (sys.argv[2],)).fetchone()
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
        print(session, sequence)
        """

    /// Signs in as a new client, runs `SELECT '<value>'` and disconnects.
    static func signIn(_ value: String, token: String, gateway: GatewayProcess) throws -> SentStatement {
        let result = try Command.run("psql", [
            gateway.connectionString(), "-X", "-w", "-A", "-t", "-v", "VERBOSITY=verbose", "-c", "SELECT '\(value)'",
        ], environment: ["PGPASSWORD": token, "PGCONNECT_TIMEOUT": "10"])
        let outcome = SentStatement.outcome(value: value, stdout: result.stdout, stderr: result.stderr, errorsBefore: 0)
        return SentStatement(value: value, outcome: outcome ?? .failed("psql \(result.status): \(result.output)"))
    }

    /// New clients sign in one after another, each running one statement,
    /// until `stop` is set; one of them is turned away at sign-in.
    static func signIns(until stop: StopFlag, token: String, outsider: String, gateway: GatewayProcess) throws -> [SentStatement] {
        let refused = try signIn("outsider", token: outsider, gateway: gateway)
        #expect(refused.outcome != .ran, "\(refused)")
        var sent: [SentStatement] = []
        while !stop.isSet {
            sent.append(try signIn("signin_\(sent.count + 1)", token: token, gateway: gateway))
            Thread.sleep(forTimeInterval: 0.5)
        }
        return sent
    }

    @Test func aStoreLockedFor75SecondsUnderTrafficLosesNothing() async throws {
        let gateway = try GatewayProcess(postgres: postgres)
        defer { gateway.stop() }
        let store = StoreFile(path: gateway.storePath)
        let token = try gateway.devToken(subject: "alice", groups: ["analysts"])
        let outsider = try gateway.devToken(subject: "mallory", groups: ["marketing"])

        var sent = [try Self.signIn("before", token: token, gateway: gateway)]
        let sessions = try ["c1", "c2"].map { try StatementSession(gateway, token: token, name: $0) }
        for session in sessions {
            #expect(session.run() == .ran, "\(session.stderr)")
        }
        // Everything so far written (the first client's session ended, every
        // statement finished): the writer is idle when the lock is taken.
        try store.waitUntil("SELECT count(*) FROM sessions WHERE ended_at IS NOT NULL", is: 1)
        try store.waitUntil("SELECT count(*) FROM statements WHERE rows IS NOT NULL", is: 3)

        let lock = try InteractiveCommand("python3", ["-c", Self.lockScript, gateway.storePath])
        lock.waitForOutput("locked")
        #expect(lock.stdout.contains("locked"), "\(lock.stderr)")

        // The writer has not failed yet, so this statement is admitted: it
        // runs, and its records wait in memory for the lock to go.
        #expect(sessions[0].run() == .ran, "\(sessions[0].stderr)")

        // Traffic throughout the outage: the two sessions keep running
        // statements, new clients keep signing in. After the writer's first
        // failure each statement waits store.unavailable_timeout, then is
        // refused; one waiting when the lock goes is admitted.
        let stop = StopFlag()
        let signIns = try await withThrowingTaskGroup(of: [SentStatement].self) { group in
            for session in sessions {
                group.addTask(executorPreference: OwnThreads.shared) {
                    session.run(until: stop, pause: 0.1)
                    return []
                }
            }
            group.addTask(executorPreference: OwnThreads.shared) {
                try Self.signIns(until: stop, token: token, outsider: outsider, gateway: gateway)
            }
            do {
                try await Task.sleep(for: Self.outage)
                lock.send("release")
                lock.waitForOutput("released")
                #expect(lock.finish() == 0, "\(lock.stderr)")
                try gateway.waitForLog("the store can be written again")
            } catch {
                stop.set()  // so that the failure is reported, not waited on
                throw error
            }
            stop.set()
            return try await group.reduce(into: []) { $0 += $1 }
        }

        for session in sessions {
            #expect(session.run() == .ran, "\(session.stderr)")
            #expect(session.finish() == 0, "\(session.stderr)")
            sent += session.sent
            // Refused during the outage, each with the error that says why.
            #expect(session.sent.contains { $0.outcome == .storeUnavailable }, "\(session.sent)")
            #expect(session.stderr.contains("ERROR:  58030: the audit store is unavailable"), "\(session.stderr)")
        }
        sent += signIns
        sent.append(try Self.signIn("after", token: token, gateway: gateway))
        #expect(sent.last?.outcome == .ran, "\(sent)")
        #expect(sent.allSatisfy { $0.outcome == .ran || $0.outcome == .storeUnavailable }, "\(sent)")
        #expect(gateway.stop() == 0)
        let ran = sent.filter { $0.outcome == .ran }.count
        print("""
            store locked for \(Self.outage): \(sent.count) statements, \(ran) ran and \(sent.count - ran) refused; \
            \(signIns.count + 1) sign-ins during the outage
            """)

        try expectRecorded(sent, clients: 1 + sessions.count + signIns.count + 1, in: store)
        let verify = try gateway.warden(["audit", "verify"])
        #expect(verify.status == 0, "\(verify.output)")
        #expect(verify.stdout.contains("audit trail intact"), "\(verify.output)")

        // A refused statement's event removed and the chain re-hashed: the
        // chain verifies, the missing event does not.
        let refused = try #require(sent.first { $0.outcome == .storeUnavailable })
        let tamper = try Command.run("python3", ["-c", Self.removeAndRehashScript, gateway.storePath, "'\(refused.value)'"])
        let named = tamper.stdout.split(separator: " ").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        #expect(tamper.status == 0 && named.count == 2, "\(tamper.output)")
        let holes = try gateway.warden(["audit", "verify"])
        #expect(holes.status == 2, "\(holes.output)")
        #expect(holes.stdout.contains("audit trail has HOLES"), "\(holes.output)")
        #expect(holes.stdout.contains(
            "statement #\(named.last ?? "") of session \(named.first ?? "") has no statement.allowed or statement.denied event"),
            "\(holes.output)")
    }

    /// Every statement sent is recorded once, as its client saw it end, with
    /// its audit event; every client that signed in (and the one turned away)
    /// has its session and event.
    func expectRecorded(_ sent: [SentStatement], clients: Int, in store: StoreFile) throws {
        let rows = try store.rows("SELECT text, verdict, coalesce(reason, ''), coalesce(rows, -1), coalesce(error_code, '') FROM statements")
        var recorded: [String: [Any]] = [:]
        for row in rows {
            let text = row[0] as? String ?? ""
            let value = text.split(separator: "'").dropFirst().first.map(String.init) ?? text
            #expect(recorded.updateValue(row, forKey: value) == nil, "recorded twice: \(text)")
        }
        #expect(Set(recorded.keys) == Set(sent.map(\.value)), "sent \(sent), recorded \(rows)")
        for statement in sent {
            let row = try #require(recorded[statement.value], "not recorded: \(statement)")
            switch statement.outcome {
            case .ran:
                #expect(row[1] as? String == "allow" && row[3] as? Int == 1 && row[4] as? String == "", "\(statement): \(row)")
            default:
                #expect(row[1] as? String == "deny", "\(statement): \(row)")
                #expect((row[2] as? String)?.hasPrefix("the audit store is unavailable") == true, "\(statement): \(row)")
            }
        }

        let ran = sent.filter { $0.outcome == .ran }.count
        #expect(try store.count("SELECT count(*) FROM sessions") == clients + 1)
        #expect(try store.count("SELECT count(*) FROM sessions WHERE status = 'refused'") == 1)
        #expect(try store.count("SELECT count(*) FROM sessions WHERE ended_at IS NULL") == 0)
        #expect(try store.count("SELECT count(*) FROM audit_events WHERE kind = 'connection.accepted'") == clients)
        #expect(try store.count("SELECT count(*) FROM audit_events WHERE kind = 'connection.refused'") == 1)
        #expect(try store.count("SELECT count(*) FROM audit_events WHERE kind = 'statement.allowed'") == ran)
        #expect(try store.count("SELECT count(*) FROM audit_events WHERE kind = 'statement.denied'") == sent.count - ran)
        // Those, and the configuration loaded at start: nothing else, nothing twice.
        #expect(try store.count("SELECT count(*) FROM audit_events") == 1 + clients + 1 + sent.count)
    }
}
