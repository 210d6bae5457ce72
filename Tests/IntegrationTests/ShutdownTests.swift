import Foundation
import Testing

/// `warden serve` stopping with a session still busy: after the drain time
/// the gateway closes it, exits cleanly, and has recorded everything.
@Suite(.serialized, .ownThreads) struct ShutdownTests {
    @Test func aSessionStillOpenAfterTheDrainIsClosedAndRecorded() async throws {
        let postgres = try await PostgresServer.shared()
        let gateway = try GatewayProcess(postgres: postgres)
        defer { gateway.stop() }
        let token = try gateway.devToken(subject: "alice", groups: ["analysts"])
        let psql = try gateway.launchPsql(
            "SELECT pg_sleep(60)", password: token, output: FileHandle.nullDevice, errors: FileHandle.nullDevice)
        defer { if psql.isRunning { psql.terminate() } }
        var running = ""
        for _ in 0..<100 {
            running = try postgres.superuser("SELECT count(*) FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(60)'")
            if running.trimmingCharacters(in: .whitespacesAndNewlines) == "1" { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(running.trimmingCharacters(in: .whitespacesAndNewlines) == "1", "\(gateway.logs)")

        // SIGTERM; the gateway runs with --drain-seconds 2.
        #expect(gateway.stop() == 0, "\(gateway.logs)")
        #expect(gateway.logs.contains("closing 1 session(s) still open"), "\(gateway.logs)")
        psql.waitUntilExit()
        #expect(psql.terminationStatus != 0)

        let verify = try gateway.warden(["audit", "verify"])
        #expect(verify.status == 0, "\(verify.output)")
        let sessions = try gateway.warden(["sessions", "list"])
        #expect(sessions.stdout.contains("alice"), "\(sessions.output)")
    }
}
