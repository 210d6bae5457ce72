import Foundation
import Testing
import WardenTestSupport

/// Ctrl-C in the mariadb client and KILL QUERY: the gateway's connection
/// ids, turned into the right upstream thread, and only for the same person.
@Suite(.serialized, .ownThreads) struct MySQLCancelTests {
    let server: MariaDBServer

    init() async throws {
        server = try await MariaDBServer.shared()
    }

    /// A `mariadb` process running `sql` in the background, its output in a file.
    private func launch(_ mysql: MySQLGateway, _ sql: String, token: String, output: URL) throws -> Process {
        let process = Process()
        // Foundation's Process starts children with SIGINT blocked (from the
        // test's concurrency threads); the client must receive its Ctrl-C.
        process.executableURL = URL(fileURLWithPath: try Command.resolve("python3"))
        process.arguments = ["-c", "import os, signal, sys; signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGINT]); "
                             + "os.execvp('mariadb', ['mariadb'] + sys.argv[1:])",
                             "--no-defaults", "--protocol=tcp", "-h", "127.0.0.1", "-P", String(mysql.gateway.port), "-u", "alice",
                             "--ssl", "--batch", "orders", "-e", sql]
        process.environment = ProcessInfo.processInfo.environment.merging(["MYSQL_PWD": token]) { $1 }
        FileManager.default.createFile(atPath: output.path, contents: nil)
        let handle = try FileHandle(forWritingTo: output)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        return process
    }

    private func waitForUpstreamSleep(_ count: Int = 1) throws {
        for _ in 0..<200 {
            let running = try server.root("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE INFO LIKE 'SELECT SLEEP(%'")
            if Int(running.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0 >= count { return }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw TestSetupError("the statement never started upstream")
    }

    @Test func ctrlCInTheMariadbClientStopsTheRunningStatement() throws {
        let mysql = try MySQLGateway(server: server)
        defer { mysql.gateway.stop() }
        let token = try mysql.gateway.devToken(subject: "alice", groups: ["analysts"])
        let output = mysql.gateway.directory.appendingPathComponent("client.out")
        let started = Date()
        let client = try launch(mysql, "SELECT SLEEP(30)", token: token, output: output)
        try waitForUpstreamSleep()
        kill(client.processIdentifier, SIGINT)
        client.waitUntilExit()
        let printed = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
        #expect(Date().timeIntervalSince(started) < 20, "the statement ran on: \(printed)")
        #expect(printed.contains("Ctrl-C -- query killed"), "\(printed)\n\(mysql.gateway.logs.suffix(2_000))")
        #expect(printed.contains("ERROR 1317 (70100)"), "\(printed)")
        #expect(mysql.gateway.logs.contains("KILL of connection 1: upstream thread"))
    }

    /// Another person cannot kill alice's statement, neither from a session
    /// of their own nor from a connection that names no database (the form
    /// of the mariadb client's Ctrl-C); the server's answer for an unknown id.
    @Test func nobodyCanKillAnotherPersonsSession() throws {
        let mysql = try MySQLGateway(server: server)
        defer { mysql.gateway.stop() }
        let alice = try mysql.gateway.devToken(subject: "alice", groups: ["analysts"])
        let bob = try mysql.gateway.devToken(subject: "bob", groups: ["analysts"])
        let output = mysql.gateway.directory.appendingPathComponent("alice.out")
        let client = try launch(mysql, "SELECT SLEEP(3) AS slept", token: alice, output: output)
        try waitForUpstreamSleep()
        let fromSession = try mysql.mariadb("KILL QUERY 1", token: bob, user: "bob")
        #expect(fromSession.stderr.contains("ERROR 1094 (HY000) at line 1: Unknown thread id: 1"), "\(fromSession.output)")
        let fromKillConnection = try mysql.mariadb("KILL QUERY 1", token: bob, database: "", user: "bob")
        #expect(fromKillConnection.stderr.contains("Unknown thread id: 1"), "\(fromKillConnection.output)")
        let forged = try mysql.mariadb("KILL QUERY 1", token: "not-a-token", database: "", user: "alice")
        #expect(forged.stderr.contains("Unknown thread id: 1"), "\(forged.output)")
        client.waitUntilExit()
        let printed = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
        #expect(printed == "slept\n0\n", "alice's statement ran to its end: \(printed)")
    }

    /// A connection without a database may only KILL.
    @Test func aConnectionWithoutADatabaseMayOnlyKill() throws {
        let mysql = try MySQLGateway(server: server)
        defer { mysql.gateway.stop() }
        let token = try mysql.gateway.devToken(subject: "alice", groups: ["analysts"])
        let result = try mysql.mariadb("SELECT 1", token: token, database: "")
        #expect(result.stderr.contains("name the Warden connection as the database"), "\(result.output)")
    }

    /// A session that ended is no longer in the gateway's list, however it
    /// ended (a client's COM_QUIT ends it from the plugin's side): its id is
    /// unknown at once, and nothing reaches the upstream.
    @Test func theIdOfAnEndedSessionIsUnknown() throws {
        let mysql = try MySQLGateway(server: server)
        defer { mysql.gateway.stop() }
        let token = try mysql.gateway.devToken(subject: "alice", groups: ["analysts"])
        #expect(try mysql.mariadb("SELECT 1", token: token).status == 0)
        let kill = try mysql.mariadb("KILL QUERY 1", token: token)
        #expect(kill.stderr.contains("ERROR 1094 (HY000) at line 1: Unknown thread id: 1\n"), "\(kill.output)")
        #expect(!mysql.gateway.logs.contains("KILL of connection 1: upstream thread"), "\(mysql.gateway.logs.suffix(2_000))")
    }
}
