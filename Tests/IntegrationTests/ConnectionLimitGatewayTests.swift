import Foundation
import Testing

/// `limits:` against a real `warden serve`, real psql and a real PostgreSQL:
/// connections that never sign in are closed at the deadline without
/// keeping anyone else out, and past `max_connections` clients are turned
/// away with PostgreSQL's own "too many connections".
@Suite(.serialized, .ownThreads) struct ConnectionLimitGatewayTests {
    let postgres: PostgresServer

    init() async throws {
        postgres = try await PostgresServer.shared()
    }

    static let idleCount = 2_000
    /// PostgreSQL's SSLRequest: length 8, code 80877103.
    static let sslRequest: [UInt8] = [0, 0, 0, 8, 0x04, 0xD2, 0x16, 0x2F]

    @Test func twoThousandIdleConnectionsAreClosedAtTheSignInDeadlineWhilePsqlSignsIn() throws {
        let gateway = try GatewayProcess(
            postgres: postgres, extraConfig: "limits: { sign_in_timeout: 15s, max_connections: 3000, max_signing_in_per_address: 3000 }")
        defer { gateway.stop() }
        // Held by a helper process that raises its own open-file limit.
        let idle = try IdleConnectionsProcess(port: gateway.port, count: Self.idleCount)
        defer { idle.stop() }
        #expect(try idle.closedSoFar() == 0, "nothing closes them before the deadline")

        // A real client still gets in while 2,000 connections sit idle.
        let alice = try gateway.devToken(subject: "alice", groups: ["analysts"])
        let query = try gateway.psql("SELECT 40 + 2", password: alice)
        #expect(query.status == 0, "\(query.output)\n\(gateway.logs.suffix(3000))")
        #expect(query.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "42")

        // Then every idle one is closed by the gateway, none by this side.
        let closed = try idle.waitUntilAllClosed(atMost: 120)
        #expect(closed == Self.idleCount, "\(closed) of \(Self.idleCount) closed\n\(gateway.logs.suffix(3000))")
        let again = try gateway.psql("SELECT 1", password: alice)
        #expect(again.status == 0, "\(again.output)")

        // Each is logged with its address, and recorded and audited as refused.
        #expect(gateway.logs.contains("closing a client connection that did not sign in in time"))
        #expect(gateway.logs.contains("client=127.0.0.1:"))
        #expect(gateway.stop() == 0)
        let export = try gateway.warden(["audit", "export"])
        let refusals = export.stdout.split(separator: "\n").filter {
            $0.contains(#""kind":"connection.refused""#) && $0.contains("did not sign in within 15s (limits.sign_in_timeout)")
        }
        #expect(refusals.count == Self.idleCount, "\(refusals.count) refusals audited")
    }

    @Test func pastMaxConnectionsClientsAreTurnedAwayWithTooManyConnections() throws {
        let gateway = try GatewayProcess(
            postgres: postgres, extraConfig: "limits: { sign_in_timeout: 10m, max_connections: 3 }")
        defer { gateway.stop() }
        let held = try Self.holdConnections(3, gateway)
        defer { held.closeAll() }

        // The fourth hears PostgreSQL's own refusal before anything else, then the
        // gateway closes: an ErrorResponse with SQLSTATE 53300, even in answer to SSLRequest.
        let answer = try Self.answerToOneMore(gateway)
        let text = String(decoding: answer, as: UTF8.self)
        #expect(answer.first == UInt8(ascii: "E"), "\(text)")
        #expect(text.contains("SFATAL\u{0}"), "\(text)")
        #expect(text.contains("C53300\u{0}"), "\(text)")
        #expect(text.contains("too many connections: this gateway accepts 3 at once"), "\(text)")

        // psql is turned away too, with a refusal rather than a hang.
        let alice = try gateway.devToken(subject: "alice", groups: ["analysts"])
        let refused = try gateway.psql("SELECT 1", password: alice)
        #expect(refused.status != 0, "\(refused.output)")
        #expect(refused.stderr.contains("too many connections") || refused.stderr.contains("error response during SSL exchange"),
                "\(refused.output)")
        #expect(gateway.logs.contains("refusing client connections: all are taken (limits.max_connections)"), "\(gateway.logs.suffix(2000))")

        // A connection that leaves frees its slot.
        held.close(0)
        let signedIn = try Self.signInOnceASlotIsFree(gateway, token: alice)
        #expect(signedIn?.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "1", "\(gateway.logs.suffix(2000))")
    }

    /// One address that opens connections and never signs in cannot take
    /// every slot: past `max_signing_in_per_address` its new connections are
    /// refused, while signed-in sessions from it do not count.
    @Test func oneAddressCannotHoldEverySlotWithConnectionsThatNeverSignIn() throws {
        let gateway = try GatewayProcess(
            postgres: postgres,
            extraConfig: "limits: { sign_in_timeout: 10m, max_connections: 50, max_signing_in_per_address: 3 }")
        defer { gateway.stop() }
        let alice = try gateway.devToken(subject: "alice", groups: ["analysts"])
        // A signed-in session that stays open does not count against the address.
        let session = try gateway.launchPsql("SELECT pg_sleep(30)", password: alice, output: Pipe(), errors: Pipe())
        defer { if session.isRunning { session.terminate() } }
        try gateway.waitForLog("session ready: alice")

        let held = try Self.holdConnections(3, gateway)
        defer { held.closeAll() }
        let text = String(decoding: try Self.answerToOneMore(gateway), as: UTF8.self)
        #expect(text.contains("C53300\u{0}"), "\(text)")
        #expect(text.contains("too many connections from 127.0.0.1 that have not signed in yet (at most 3)"), "\(text)")
        // The log line reaches the test through the gateway's output a moment later.
        try gateway.waitForLog("one address has too many that have not signed in (limits.max_signing_in_per_address)")

        // Once one of them goes, psql signs in again.
        held.close(0)
        let signedIn = try Self.signInOnceASlotIsFree(gateway, token: alice)
        #expect(signedIn?.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "1", "\(gateway.logs.suffix(2000))")
    }

    /// psql, tried again for a few seconds while the gateway frees the slot
    /// of a connection that just left; the first success, or nil.
    static func signInOnceASlotIsFree(_ gateway: GatewayProcess, token: String) throws -> CommandResult? {
        for _ in 0..<50 {
            let attempt = try gateway.psql("SELECT 1", password: token)
            if attempt.status == 0 { return attempt }
            Thread.sleep(forTimeInterval: 0.1)
        }
        return nil
    }

    /// `count` connections that never sign in, each with its session (its
    /// SSLRequest answered), so that they hold their slots: connections are
    /// spread over event loops, and one more could otherwise take a slot first.
    static func holdConnections(_ count: Int, _ gateway: GatewayProcess) throws -> RawConnections {
        let held = RawConnections()
        try held.open(count, port: gateway.port)
        for index in 0..<count {
            #expect(held.request(index, send: sslRequest, answerBytes: 1) == [UInt8(ascii: "S")])
        }
        return held
    }

    /// What one more connection hears in answer to its SSLRequest.
    static func answerToOneMore(_ gateway: GatewayProcess) throws -> [UInt8] {
        let extra = RawConnections()
        defer { extra.closeAll() }
        try extra.open(1, port: gateway.port)
        return extra.exchange(0, send: sslRequest)
    }
}
