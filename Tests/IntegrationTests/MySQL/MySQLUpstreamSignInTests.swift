import Foundation
import Testing
import WardenTestSupport

/// The gateway's own sign-in upstream with the gateway-held account, by
/// every method the issue names: mysql_native_password and ed25519 against
/// MariaDB, caching_sha2_password (fast, full over TLS, full with the RSA
/// key exchange) against a MySQL-protocol server that offers it
/// (`Tests/Support/mysql/caching_sha2_server.py`, relaying to MariaDB).
@Suite(.serialized, .ownThreads) struct MySQLUpstreamSignInTests {
    static let accountPassword = "gateway-held-c2-9f3a"

    let server: MariaDBServer

    init() async throws {
        server = try await MariaDBServer.shared()
    }

    private func expectSignedIn(_ mysql: MySQLGateway, _ comment: String) throws {
        let token = try mysql.gateway.devToken(subject: "alice", groups: ["analysts"])
        let result = try mysql.mariadb("SELECT COUNT(*) AS customers FROM customers", token: token)
        #expect(result.stdout == "customers\n3\n", "\(comment): \(result.output)\n\(mysql.gateway.logs.suffix(2_000))")
    }

    @Test func ed25519() throws {
        let mysql = try MySQLGateway(server: server, upstreamUser: "edapp")
        defer { mysql.gateway.stop() }
        try expectSignedIn(mysql, "edapp signs in by ed25519")
    }

    @Test(arguments: [
        (mode: "fast", tls: false, path: "fast"),
        (mode: "full", tls: true, path: "full-tls"),
        (mode: "full", tls: false, path: "full-rsa"),
    ])
    func cachingSHA2(_ setting: (mode: String, tls: Bool, path: String)) async throws {
        let directory = try Paths.temporaryDirectory("warden-c2")
        let log = directory.appendingPathComponent("sign-ins.log")
        var arguments = [
            "--backend-port", String(server.port), "--backend-user", "app", "--backend-password", MariaDBServer.appPassword,
            "--user", "gateway", "--password", Self.accountPassword, "--mode", setting.mode, "--log", log.path,
        ]
        if setting.tls {
            let key = server.certificateFile.replacingOccurrences(of: ".crt", with: ".key")
            arguments += ["--cert", server.certificateFile, "--key", key]
        }
        let fixture = try await PythonFixtureProcess.start(
            name: "the caching_sha2_password server", script: "mysql/caching_sha2_server.py", arguments: arguments,
            expecting: "tcp://127.0.0.1:", requirement: "the PyPI package cryptography")
        defer { fixture.stop() }
        let mysql = try MySQLGateway(
            server: server, upstreamUser: "gateway", upstreamTLS: setting.tls ? "require" : "disable", upstreamPort: fixture.port,
            upstreamPassword: Self.accountPassword)
        defer { mysql.gateway.stop() }
        try expectSignedIn(mysql, setting.path)
        let paths = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        #expect(paths == "\(setting.path)\n", "\(paths)\n\(fixture.output())")
    }

    /// Without TLS, a server (or whoever answers in its place: under `prefer`
    /// TLS can be stripped) that asks for full authentication would get the
    /// password encrypted to a key it sent itself: only `tls: disable`, the
    /// operator's explicit choice, allows it (red team, MySQL round 1).
    @Test func theRSAKeyExchangeNeedsAnExplicitTLSDisable() async throws {
        let fixture = try await PythonFixtureProcess.start(
            name: "the caching_sha2_password server", script: "mysql/caching_sha2_server.py", arguments: [
                "--backend-port", String(server.port), "--backend-user", "app", "--backend-password", MariaDBServer.appPassword,
                "--user", "gateway", "--password", Self.accountPassword, "--mode", "full",
            ], expecting: "tcp://127.0.0.1:", requirement: "the PyPI package cryptography")
        defer { fixture.stop() }
        let mysql = try MySQLGateway(server: server, upstreamUser: "gateway", upstreamTLS: "prefer", upstreamPort: fixture.port,
                                     upstreamPassword: Self.accountPassword)
        defer { mysql.gateway.stop() }
        let token = try mysql.gateway.devToken(subject: "alice", groups: ["analysts"])
        let result = try mysql.mariadb("SELECT 1", token: token)
        #expect(result.stderr.contains("set the connection's upstream tls: require"), "\(result.output)\n\(mysql.gateway.logs.suffix(1_500))")
    }

    @Test func aWrongGatewayHeldPasswordIsReportedToTheClientAndTheOperator() throws {
        let mysql = try MySQLGateway(server: server, upstreamPassword: "not-the-password")
        defer { mysql.gateway.stop() }
        let token = try mysql.gateway.devToken(subject: "alice", groups: ["analysts"])
        let result = try mysql.mariadb("SELECT 1", token: token)
        #expect(result.stderr.contains("Warden could not sign in to the upstream of 'orders': the server answered: Access denied"),
                "\(result.output)")
        #expect(mysql.gateway.logs.contains("upstream sign-in refused: 1045"))
        #expect(!mysql.gateway.logs.contains("not-the-password"))
    }
}
