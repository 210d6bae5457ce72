import Foundation
import Testing

/// The admin API of a real `warden serve`, over HTTP with curl and through
/// `warden approvals`, in front of a real PostgreSQL.
@Suite(.serialized, .ownThreads) struct AdminAPITests {
    let postgres: PostgresServer
    let gateway: GatewayProcess

    init() async throws {
        postgres = try await PostgresServer.shared()
        gateway = try GatewayProcess(
            postgres: postgres, connections: Self.connections(postgres), adminGroups: ["security"])
    }

    /// `orders`, where a statement that changes every row waits for a dba.
    static func connections(_ postgres: PostgresServer) -> String {
        """
          - name: orders
            protocol: postgres
            upstream: { host: 127.0.0.1, port: \(postgres.port), database: orders, user: app, password_env: ORDERS_DB_PASSWORD, tls: prefer }
            allow_groups: [analysts, dba]
            rules:
              - { match: { risk: high }, action: approve, reason: "a change to every row needs a second pair of eyes" }
            approvals: { approvers: [dba], timeout: 5m }
        """
    }

    struct Answer {
        var status: Int
        var headers: String
        var body: String
    }

    /// One request with curl; the status, the header block and the body.
    func curl(_ path: String, token: String? = nil) throws -> Answer {
        var arguments = ["-s", "-S", "-i", "--max-time", "10", gateway.adminURL + path]
        if let token { arguments += ["-H", "Authorization: Bearer \(token)"] }
        let result = try Command.run("curl", arguments)
        guard result.status == 0 else { throw TestSetupError("curl failed: \(result.stderr)") }
        let parts = result.stdout.components(separatedBy: "\r\n\r\n")
        let status = parts[0].split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
        return Answer(status: status, headers: parts[0], body: parts.dropFirst().joined(separator: "\r\n\r\n"))
    }

    @Test func tokensAndGroupsDecideWhatTheAdminAPIAnswers() throws {
        defer { gateway.stop() }
        let health = try curl("/healthz")
        #expect(health.status == 200 && health.body == "ok\n", "\(health)")

        let missing = try curl("/v1/sessions")
        #expect(missing.status == 401, "\(missing)")
        #expect(missing.headers.lowercased().contains("www-authenticate: bearer"), "\(missing.headers)")
        #expect(missing.body.contains(#"{"error":"#), "\(missing.body)")
        let garbage = try curl("/v1/sessions", token: "garbage")
        #expect(garbage.status == 401, "\(garbage)")
        #expect(garbage.body.contains("token is malformed"), "\(garbage.body)")

        let analyst = try gateway.devToken(subject: "carol", groups: ["analysts"])
        for path in ["/v1/sessions", "/v1/approvals"] {
            let answer = try curl(path, token: analyst)
            #expect(answer.status == 403, "\(path): \(answer)")
            #expect(answer.body.contains("'carol' is not in"), "\(path): \(answer.body)")
        }

        // A session to find: the API reads what the gateway records.
        let alice = try gateway.devToken(subject: "alice", groups: ["analysts"])
        #expect(try gateway.psql("SELECT count(*) FROM customers", password: alice).status == 0)
        let security = try gateway.devToken(subject: "sam", groups: ["security"])
        var sessions = Answer(status: 0, headers: "", body: "")
        for _ in 0..<50 {
            sessions = try curl("/v1/sessions", token: security)
            if sessions.body.contains(#""subject":"alice""#) { break }
            Thread.sleep(forTimeInterval: 0.1)
        }
        #expect(sessions.status == 200, "\(sessions)")
        #expect(sessions.body.contains(#""subject":"alice""#), "\(sessions.body)")
        // The session's statements and its replay, with the rows alice received.
        let id = try #require(sessions.body.components(separatedBy: #""id":""#).dropFirst().first?.prefix(16))
        var detail = try curl("/v1/sessions/\(id)", token: security)
        for _ in 0..<50 where !detail.body.contains(#""result""#) {
            Thread.sleep(forTimeInterval: 0.1)
            detail = try curl("/v1/sessions/\(id)", token: security)
        }
        #expect(detail.body.contains(#""text":"SELECT count(*) FROM customers""#), "\(detail.body)")
        #expect(detail.body.contains(#""rows":[["3"]]"#), "\(detail.body)")
        // What the plugin said of it, in every protocol's terms (issue 11).
        #expect(detail.body.contains(#""kind":"sql""#) && detail.body.contains(#""class":"read""#), "\(detail.body)")
        #expect(detail.body.contains(#""command":"SELECT""#), "\(detail.body)")
        let replay = try curl("/v1/sessions/\(id)/replay", token: security)
        #expect(replay.status == 200)
        #expect(replay.body.contains("SELECT count(*) FROM customers"), "\(replay.body)")
        #expect(try curl("/v1/sessions/\(id)/replay", token: alice).status == 403)

        let verify = try curl("/v1/audit/verify", token: security)
        #expect(verify.status == 200, "\(verify)")
        #expect(verify.body.contains(#""intact":true"#), "\(verify.body)")
        let audit = try curl("/v1/audit?since=1h", token: security)
        #expect(audit.status == 200 && audit.body.contains(#""kind":"config.loaded""#), "\(audit)")

        // A page at a time: pages joined are the whole trail.
        let whole = try curl("/v1/audit", token: security).body
        #expect(whole.split(separator: "\n").count >= 3, "\(whole)")
        #expect(!whole.isEmpty)
        var pages = "", after = "0", pageCount = 0
        while pageCount < 50 {
            let page = try curl("/v1/audit?after=\(after)&limit=2", token: security)
            #expect(page.status == 200, "\(page)")
            pages += page.body
            pageCount += 1
            guard let next = Self.header("Warden-Next-After", in: page.headers) else { break }
            #expect(page.body.split(separator: "\n").count == 2)
            after = next
        }
        #expect(pages == whole)
        #expect(pageCount >= 2)
        for bad in ["limit=0", "limit=10001", "limit=abc", "after=-1"] {
            let refused = try curl("/v1/audit?\(bad)", token: security)
            #expect(refused.status == 400, "\(bad): \(refused)")
        }
    }

    /// The value of header `name` in an HTTP header block.
    static func header(_ name: String, in headers: String) -> String? {
        headers.components(separatedBy: "\r\n").first { $0.lowercased().hasPrefix(name.lowercased() + ":") }
            .map { String($0.dropFirst(name.count + 1)).trimmingCharacters(in: .whitespaces) }
    }

    @Test func aHeldStatementRunsOnceAfterAnotherApproverApproves() throws {
        defer { gateway.stop() }
        try makeCounters("approval_t", rows: 3)
        let alice = try gateway.devToken(subject: "alice", groups: ["dba"])
        let bob = try gateway.devToken(subject: "bob", groups: ["dba"])

        // Without WHERE the update is high risk: held until a dba decides.
        let output = Pipe(), errors = Pipe()
        let psql = try gateway.launchPsql("UPDATE approval_t SET x = x + 1", password: alice, output: output, errors: errors)
        defer { if psql.isRunning { psql.terminate() } }
        let id = try waitForApproval(of: "approval_t", token: bob)
        #expect(psql.isRunning, "psql should wait while the statement is held")

        let own = try gateway.warden(["approvals", "approve", id], environment: ["WARDEN_TOKEN": alice])
        #expect(own.status != 0, "\(own.output)")
        #expect(own.stderr.contains("your own request"), "\(own.output)")
        #expect(!own.output.contains("Fatal error"), "\(own.output)")
        #expect(psql.isRunning)

        let shown = try gateway.warden(["approvals", "show", id], environment: ["WARDEN_TOKEN": bob])
        #expect(shown.status == 0, "\(shown.output)")
        #expect(shown.stdout.contains("requester:     alice\n"), "\(shown.output)")
        #expect(shown.stdout.contains("targets:       public.approval_t\n") || shown.stdout.contains("targets:       approval_t\n"),
                "\(shown.output)")
        #expect(shown.stdout.hasSuffix("statement:\n  UPDATE approval_t SET x = x + 1\n"), "\(shown.output)")
        let unknown = try gateway.warden(["approvals", "show", "0000000000"], environment: ["WARDEN_TOKEN": bob])
        #expect(unknown.status != 0 && unknown.stderr.contains("0000000000"), "\(unknown.output)")

        let approve = try gateway.warden(["approvals", "approve", id], environment: ["WARDEN_TOKEN": bob])
        #expect(approve.status == 0, "\(approve.output)")
        #expect(approve.stdout.hasPrefix("approved \(id) (alice on orders: UPDATE approval_t SET x = x + 1)"), "\(approve.stdout)")

        let status = wait(for: psql, seconds: 20)
        let printed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let notices = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(status == 0, "psql: \(printed)\n\(notices)\n\(gateway.logs)")
        #expect(notices.contains("held for approval \(id)"), "\(notices)")
        // Each row went from 0 to 1: the update ran exactly once.
        let rows = try postgres.superuser("SELECT string_agg(x::text, ',' ORDER BY id) FROM approval_t", database: "orders")
        #expect(rows.trimmingCharacters(in: .whitespacesAndNewlines) == "1,1,1")
        let after = try gateway.warden(["approvals", "list"], environment: ["WARDEN_TOKEN": bob])
        #expect(after.stdout.contains("no pending approvals"), "\(after.output)")

        // Denied, the next one does not run, and the client hears why.
        let deniedOutput = Pipe()
        let second = try gateway.launchPsql("DELETE FROM approval_t", password: alice, output: deniedOutput, errors: deniedOutput)
        defer { if second.isRunning { second.terminate() } }
        let secondID = try waitForApproval(of: "DELETE FROM approval_t", token: bob)
        let deny = try gateway.warden(["approvals", "deny", secondID, "--reason", "use a WHERE"], environment: ["WARDEN_TOKEN": bob])
        #expect(deny.status == 0, "\(deny.output)")
        #expect(deny.stdout.hasPrefix("denied \(secondID)"), "\(deny.stdout)")
        #expect(wait(for: second, seconds: 20) != 0)
        let refusal = String(decoding: deniedOutput.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(refusal.contains("denied by bob: use a WHERE"), "\(refusal)")
        #expect(try postgres.superuser("SELECT count(*) FROM approval_t", database: "orders").contains("3"))
    }

    /// One approval, one execution: a prepared statement approved at Parse
    /// runs once; its next execution is held again (issue 10: one approval
    /// let a prepared UPDATE run any number of times).
    @Test func anApprovedPreparedStatementIsHeldAgainAtItsNextExecution() throws {
        defer { gateway.stop() }
        try makeCounters("prepared_t", rows: 2)
        let alice = try gateway.devToken(subject: "alice", groups: ["analysts"])
        let bob = try gateway.devToken(subject: "bob", groups: ["dba"])
        let output = Pipe()
        let client = Process()
        client.executableURL = URL(fileURLWithPath: try Command.resolve("python3"))
        client.arguments = ["-c", """
            import psycopg, sys
            with psycopg.connect(sys.argv[1], autocommit=True) as connection:
                connection.execute("UPDATE prepared_t SET x = x + 1", prepare=True)
                print("first ran", flush=True)
                try:
                    connection.execute("UPDATE prepared_t SET x = x + 1", prepare=True)
                    print("second ran", flush=True)
                except psycopg.Error as error:
                    print("second refused", error.sqlstate, error, flush=True)
            """, gateway.connectionString()]
        client.environment = ProcessInfo.processInfo.environment.merging(["PGPASSWORD": alice]) { $1 }
        client.standardOutput = output
        client.standardError = output
        try client.run()
        defer { if client.isRunning { client.terminate() } }

        let first = try waitForApproval(of: "prepared_t", token: bob)
        #expect(try gateway.warden(["approvals", "approve", first], environment: ["WARDEN_TOKEN": bob]).status == 0)
        let second = try waitForApproval(of: "prepared_t", token: bob, except: first)
        let deny = try gateway.warden(["approvals", "deny", second, "--reason", "once is enough"],
                                      environment: ["WARDEN_TOKEN": bob])
        #expect(deny.status == 0, "\(deny.output)")
        #expect(wait(for: client, seconds: 20) == 0)
        let printed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(printed.contains("first ran"), "\(printed)")
        #expect(printed.contains("second refused 42501"), "\(printed)")
        #expect(printed.contains("once is enough"), "\(printed)")
        let rows = try postgres.superuser("SELECT string_agg(x::text, ',' ORDER BY id) FROM prepared_t", database: "orders")
        #expect(rows.trimmingCharacters(in: .whitespacesAndNewlines) == "1,1")
    }

    @Test func anApprovalForAWindowLetsTheSameCommandThroughWithoutAsking() throws {
        defer { gateway.stop() }
        try makeCounters("window_t", rows: 2)
        let alice = try gateway.devToken(subject: "alice", groups: ["analysts"])
        let bob = try gateway.devToken(subject: "bob", groups: ["dba"])

        let output = Pipe()
        let psql = try gateway.launchPsql("UPDATE window_t SET x = x + 1", password: alice, output: output, errors: output)
        defer { if psql.isRunning { psql.terminate() } }
        let id = try waitForApproval(of: "window_t", token: bob)
        // Past the connection's approvals.max_grant (8h by default) the server
        // refuses, names the limit, and the statement stays held.
        let tooLong = try gateway.warden(["approvals", "approve", id, "--for", "9h"], environment: ["WARDEN_TOKEN": bob])
        #expect(tooLong.status == 1, "\(tooLong.output)")
        #expect(tooLong.stderr.contains("for: at most 8h on connection 'orders' (its approvals.max_grant)"), "\(tooLong.output)")
        #expect(tooLong.stderr.contains("(HTTP 400)"), "\(tooLong.output)")
        let absurd = try gateway.warden(["approvals", "approve", id, "--for", "999999999d"], environment: ["WARDEN_TOKEN": bob])
        #expect(absurd.status != 0 && absurd.stderr.contains("--for: expected a duration"), "\(absurd.output)")
        #expect(psql.isRunning, "a refused grant decides nothing")
        let approve = try gateway.warden(["approvals", "approve", id, "--for", "15m"], environment: ["WARDEN_TOKEN": bob])
        #expect(approve.status == 0, "\(approve.output)")
        #expect(wait(for: psql, seconds: 20) == 0)

        // Within the window the same command on the same table runs at once.
        let again = try gateway.psql("UPDATE window_t SET x = x + 10", password: alice)
        #expect(again.status == 0, "\(again.output)")
        #expect(!again.stderr.contains("held for approval"), "\(again.output)")
        let rows = try postgres.superuser("SELECT string_agg(x::text, ',' ORDER BY id) FROM window_t", database: "orders")
        #expect(rows.trimmingCharacters(in: .whitespacesAndNewlines) == "11,11")

        // Another command is another kind of action: it asks again.
        let deleteOutput = Pipe()
        let delete = try gateway.launchPsql("DELETE FROM window_t", password: alice, output: deleteOutput, errors: deleteOutput)
        defer { if delete.isRunning { delete.terminate() } }
        let deleteID = try waitForApproval(of: "DELETE FROM window_t", token: bob)
        #expect(deleteID != id)
        _ = try gateway.warden(["approvals", "deny", deleteID], environment: ["WARDEN_TOKEN": bob])
        #expect(wait(for: delete, seconds: 20) != 0)
        #expect(try postgres.superuser("SELECT count(*) FROM window_t", database: "orders").contains("2"))

        // The audit trail tells the story: requested, approved with a window, used.
        #expect(gateway.stop() == 0)
        let export = try gateway.warden(["audit", "export"])
        #expect(export.stdout.contains(#""grant_for_seconds":"900""#), "\(export.stdout)")
        #expect(export.stdout.contains(#""approval":"\#(id)""#), "\(export.stdout)")
    }

    @Test func theCLISaysWhatIsMissingWithoutAStackTrace() throws {
        defer { gateway.stop() }
        let noToken = try gateway.warden(["approvals", "list"], environment: ["WARDEN_TOKEN": ""])
        #expect(noToken.status == 1, "\(noToken.output)")
        #expect(noToken.stderr.contains("WARDEN_TOKEN is not set"), "\(noToken.output)")

        let analyst = try gateway.devToken(subject: "carol", groups: ["analysts"])
        let refused = try gateway.warden(["approvals", "list"], environment: ["WARDEN_TOKEN": analyst])
        #expect(refused.status == 1, "\(refused.output)")
        #expect(refused.stderr.contains("'carol' is not in a group that approves statements"), "\(refused.output)")
        #expect(refused.stderr.contains("(HTTP 403)"), "\(refused.output)")

        let unknown = try gateway.warden(["approvals", "deny", "000000000000"], environment: ["WARDEN_TOKEN": try gateway.devToken(subject: "bob", groups: ["dba"])])
        #expect(unknown.status == 1 && unknown.stderr.contains("no pending approval '000000000000'"), "\(unknown.output)")

        let closed = try FreePort.next()
        let unreachable = try gateway.warden(["approvals", "list", "--admin", "127.0.0.1:\(closed)"], environment: ["WARDEN_TOKEN": analyst])
        #expect(unreachable.status == 1, "\(unreachable.output)")
        #expect(unreachable.stderr.contains("could not reach the admin API at http://127.0.0.1:\(closed)"), "\(unreachable.output)")
    }

    /// Ctrl-C in psql while the statement waits for approval: psql's cancel
    /// request ends the wait, the statement never runs, and the approval is
    /// gone, so nobody can approve it afterwards.
    @Test func ctrlCWhileHeldForApprovalCancelsTheStatement() throws {
        defer { gateway.stop() }
        try makeCounters("cancel_t", rows: 2)
        let alice = try gateway.devToken(subject: "alice", groups: ["dba"])
        let bob = try gateway.devToken(subject: "bob", groups: ["dba"])
        let errors = Pipe()
        let psql = try gateway.launchPsql("UPDATE cancel_t SET x = x + 1", password: alice, output: FileHandle.nullDevice, errors: errors)
        defer { if psql.isRunning { psql.terminate() } }
        let id = try waitForApproval(of: "cancel_t", token: bob)

        psql.interrupt()  // psql answers SIGINT by sending a CancelRequest
        let status = wait(for: psql, seconds: 20)
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(status == 1, "\(stderr)\n\(gateway.logs)")
        #expect(stderr.contains("canceled by the client while it waited for approval \(id); the statement did not run"), "\(stderr)")

        let late = try gateway.warden(["approvals", "approve", id], environment: ["WARDEN_TOKEN": bob])
        #expect(late.status != 0, "\(late.output)")
        let list = try gateway.warden(["approvals", "list"], environment: ["WARDEN_TOKEN": bob])
        #expect(list.stdout.contains("no pending approvals"), "\(list.output)")
        let rows = try postgres.superuser("SELECT string_agg(x::text, ',' ORDER BY id) FROM cancel_t", database: "orders")
        #expect(rows.trimmingCharacters(in: .whitespacesAndNewlines) == "0,0")
    }

    /// A table `name` owned by the app role, with `rows` counters at 0.
    private func makeCounters(_ name: String, rows: Int) throws {
        let values = (1...rows).map { "(\($0), 0)" }.joined(separator: ", ")
        try postgres.superuser("""
            SET ROLE app;
            DROP TABLE IF EXISTS \(name);
            CREATE TABLE \(name) (id int PRIMARY KEY, x int NOT NULL);
            INSERT INTO \(name) VALUES \(values);
            """, database: "orders")
    }

    /// Polls `warden approvals list` until a pending approval shows `text`; returns its id.
    private func waitForApproval(of text: String, token: String, except known: String? = nil) throws -> String {
        var last = ""
        for _ in 0..<100 {
            let list = try gateway.warden(["approvals", "list"], environment: ["WARDEN_TOKEN": token])
            last = list.output
            if let line = list.stdout.split(separator: "\n").first(where: { line in
                line.contains(text) && !(known.map { line.hasPrefix($0) } ?? false)
            }) {
                #expect(line.contains("alice") && line.contains("orders") && line.contains("high"), "\(line)")
                return String(line.split(separator: " ")[0])
            }
            Thread.sleep(forTimeInterval: 0.1)
        }
        throw TestSetupError("no pending approval of '\(text)' appeared:\n\(last)\n\(gateway.logs)")
    }

    /// Waits for `process` to exit; terminates it after `seconds`. Returns its status.
    private func wait(for process: Process, seconds: Double) -> Int32 {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline {
            Thread.sleep(forTimeInterval: 0.05)
        }
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
            return -1
        }
        return process.terminationStatus
    }
}
