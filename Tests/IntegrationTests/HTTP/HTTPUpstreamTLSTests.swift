import Foundation
import Testing
import WardenTestSupport

/// An HTTPS upstream that verifies its clients: Warden checks the upstream's
/// certificate and name against the connection's `ca_file` and presents the
/// gateway's client certificate; an upstream it cannot verify, or that
/// refuses it, gets nothing. A new upstream connection after the upstream
/// closed an idle one is verified the same way.
@Suite(.serialized, .ownThreads) struct HTTPUpstreamTLSTests {
    @Test func theUpstreamIsVerifiedAndSeesTheGatewaysCertificate() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("warden-upstream-tls-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let authority = try TestCertificateAuthority(in: directory.appendingPathComponent("ca"))
        let stranger = try TestCertificateAuthority(in: directory.appendingPathComponent("other-ca"), name: "Another CA")
        let server = try authority.server("upstream", names: ["localhost", "127.0.0.1"])
        let gatewayClient = try authority.client("gateway", subject: "warden-gateway")
        let upstream = try await HTTPUpstreamProcess.start(
            threads: 4, keepAliveSeconds: 1,
            tls: .init(certificate: server.certificate, key: server.key, clientCA: authority.certificate))
        defer { upstream.stop() }

        let url = "https://localhost:\(upstream.port)"
        let credential = "bearer_token: { env: API_UPSTREAM_TOKEN }"
        let routedPort = try FreePort.next()
        let gateway = try GatewayProcess(
            postgres: nil,
            connections: """
              - name: api
                protocol: http
                upstream: { url: "\(url)", ca_file: \(authority.certificate), credentials: { \(credential), client_certificate: { certificate: \(gatewayClient.certificate), key: \(gatewayClient.key) } } }
                allow_groups: [dev]
              - name: nocert
                protocol: http
                upstream: { url: "\(url)", ca_file: \(authority.certificate), credentials: { \(credential) } }
                allow_groups: [dev]
              - name: wrongca
                protocol: http
                upstream: { url: "\(url)", ca_file: \(stranger.certificate), credentials: { \(credential), client_certificate: { certificate: \(gatewayClient.certificate), key: \(gatewayClient.key) } } }
                allow_groups: [dev]
            """,
            listener: """
              - { name: web, protocol: http, address: "127.0.0.1:PORT", connection: api, tls: { certificate: GATEWAY_DIR/gateway.crt, key: GATEWAY_DIR/gateway.key } }
            """,
            extraListeners: """
              - { name: routed, protocol: http, address: "127.0.0.1:\(routedPort)", tls: { certificate: GATEWAY_DIR/gateway.crt, key: GATEWAY_DIR/gateway.key } }
            """,
            environment: ["API_UPSTREAM_TOKEN": HTTPGateway.upstreamToken])
        defer { gateway.stop() }
        let token = try gateway.devToken(subject: "alice", groups: ["dev"])
        let key = UUID().uuidString.prefix(8)
        func curl(_ port: Int, _ path: String, _ arguments: [String] = []) throws -> CommandResult {
            try Command.run("curl", [
                "-sS", "--max-time", "30", "--cacert", gateway.directory.appendingPathComponent("gateway.crt").path,
                "--resolve", "localhost:\(port):127.0.0.1", "-w", "\n%{http_code}", "-H", "Authorization: Bearer \(token)",
            ] + arguments + ["https://localhost:\(port)\(path)"])
        }

        let echoed = try curl(gateway.port, "/anything/tls")
        #expect(echoed.httpStatus == 200, "\(echoed.output)\n\(gateway.logs)")
        #expect(echoed.httpBody.contains("\"X-Warden-User\": \"alice\""), "\(echoed.output)")

        // Over one client connection, across the upstream's idle timeout: the
        // second request needs a new upstream connection, verified again.
        let sequence = try gateway.oneConnection(token: token, [
            "GET /warden/count/tls-first-\(key)", "sleep 3", "GET /warden/count/tls-second-\(key)",
        ])
        #expect(sequence.status == 0, "\(sequence.output)\n\(gateway.logs)")
        let lines = sequence.stdout.split(separator: "\n")
        #expect(lines.count == 2 && lines.allSatisfy { $0.contains("\"status\": 200") }, "\(sequence.output)")
        let ports = lines.compactMap { $0.firstMatch(of: /peer_port\\": (\d+)/)?.1 }
        #expect(ports.count == 2 && ports[0] != ports[1], "the second request did not need a new upstream connection: \(sequence.output)")

        // TLS 1.3: the upstream asks for the certificate after its handshake,
        // so its alert ends the exchange. The client learns that it failed;
        // what failed, in the TLS library's words, is for the gateway's log.
        for (connection, said, logged) in [
            ("nocert", "the upstream closed the connection before the exchange ended after an error", "CERTIFICATE_REQUIRED"),
            ("wrongca", "Warden could not establish TLS with the upstream", "CERTIFICATE_VERIFY_FAILED"),
        ] {
            let refused = try curl(routedPort, "/warden/count/\(connection)-\(key)", ["-H", "Host: \(connection)"])
            #expect(refused.httpStatus == 502, "\(refused.output)")
            #expect(refused.httpBody.contains(said), "\(refused.output)")
            #expect(!refused.httpBody.contains("SSL") && !refused.httpBody.contains(".build"), "\(refused.output)")
            #expect(gateway.logs.contains(logged), "\(gateway.logs)")
        }
        #expect(try Self.counts(upstream, authority, gatewayClient).keys.filter { $0.hasSuffix(String(key)) }.sorted()
            == ["tls-first-\(key)", "tls-second-\(key)"])
    }

    /// The upstream's counters, read with the gateway's own client certificate.
    private static func counts(
        _ upstream: HTTPUpstreamProcess, _ authority: TestCertificateAuthority, _ client: (certificate: String, key: String)
    ) throws -> [String: Int] {
        let result = try Command.run("curl", [
            "-sS", "--max-time", "10", "--cacert", authority.certificate, "--cert", client.certificate, "--key", client.key,
            "https://localhost:\(upstream.port)/warden/counts",
        ])
        return (try? JSONDecoder().decode([String: Int].self, from: Data(result.stdout.utf8))) ?? [:]
    }
}
