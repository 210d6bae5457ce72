import Foundation
import WardenTestSupport

/// A gateway whose listener speaks HTTPS and serves the connection `api`,
/// in front of a real HTTP application (httpbin and Warden's test routes
/// on gunicorn), with `curl` as the client.
struct HTTPGateway {
    /// What the gateway presents upstream in its own name.
    static let upstreamToken = "gateway-held-upstream-token"

    /// `http://127.0.0.1:PORT` of the application behind the gateway.
    let upstreamURL: String
    let gateway: GatewayProcess

    /// `rules`, `masking` and `extra` are YAML lines of the connection, indented by four.
    init(upstreamURL: String, rules: String = "", masking: String = "", extra: String = "",
         adminGroups: [String]? = nil, captureBytes: Int? = nil, listenerOptions: String = "{}") throws {
        self.upstreamURL = upstreamURL
        gateway = try GatewayProcess(
            postgres: nil,
            connections: """
              - name: api
                protocol: http
                upstream: { url: "\(upstreamURL)", credentials: { bearer_token: { env: API_UPSTREAM_TOKEN } } }
                allow_groups: [dev]
            \(rules)
            \(masking)
            \(extra)
            """,
            listener: """
              - { name: web, protocol: http, address: "127.0.0.1:PORT", connection: api, options: \(listenerOptions), tls: { certificate: GATEWAY_DIR/gateway.crt, key: GATEWAY_DIR/gateway.key } }
            """,
            adminGroups: adminGroups,
            storeOptions: captureBytes.map { "result_capture_bytes: \($0)" } ?? "",
            environment: ["API_UPSTREAM_TOKEN": Self.upstreamToken])
    }

    var baseURL: String { "https://localhost:\(gateway.port)" }
    var certificate: String { gateway.directory.appendingPathComponent("gateway.crt").path }

    /// curl through the gateway, trusting its certificate; `-w` appends the status on a line of its own.
    func curl(_ path: String, token: String?, _ arguments: [String] = []) throws -> CommandResult {
        var all = [
            "-sS", "--max-time", "60", "--cacert", gateway.directory.appendingPathComponent("gateway.crt").path,
            "--resolve", "localhost:\(gateway.port):127.0.0.1", "-w", "\n%{http_code}",
        ]
        if let token { all += ["-H", "Authorization: Bearer \(token)"] }
        return try Command.run("curl", all + arguments + [baseURL + path])
    }

    /// How many requests the upstream counted under each key (`/warden/count/KEY`).
    func upstreamCounts() throws -> [String: Int] {
        let result = try Command.run("curl", ["-sS", "--max-time", "10", upstreamURL + "/warden/counts"])
        let data = Data(result.stdout.utf8)
        return (try? JSONDecoder().decode([String: Int].self, from: data)) ?? [:]
    }
}

extension GatewayProcess {
    /// `Tests/Support/http/one_connection.py`: `steps` (`GET /path`,
    /// `POST /path BODY`, `sleep S`) over one HTTPS connection with `token`,
    /// one JSON line per response.
    func oneConnection(token: String, _ steps: [String]) throws -> CommandResult {
        try Command.run("python3", [
            PythonFixtureProcess.supportDirectory.appendingPathComponent("http/one_connection.py").path, String(port),
            "--header", "Authorization: Bearer \(token)",
        ] + steps)
    }
}

extension CommandResult {
    /// The status `curl -w "\n%{http_code}"` printed last.
    var httpStatus: Int { Int(stdout.split(separator: "\n").last ?? "") ?? 0 }
    /// What curl printed before the status.
    var httpBody: String {
        guard let cut = stdout.lastIndex(of: "\n") else { return "" }
        return String(stdout[..<cut])
    }
}

/// One upstream application shared by every HTTP test in the process:
/// tests keep apart by counting under keys of their own.
enum SharedHTTPUpstream {
    static func get() async throws -> HTTPUpstreamProcess { try await task.value }

    private static let task = Task {
        let upstream = try await HTTPUpstreamProcess.start()
        Cleanup.atExit { upstream.stop() }
        return upstream
    }
}
